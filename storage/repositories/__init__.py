"""One repository module per aggregate. Repositories take an AsyncSession and flush; never commit.

The caller owns the transaction (one per Telegram update), so a stage change and its event land
together or not at all.
"""
