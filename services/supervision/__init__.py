"""Supervision notices (督办单): issue, sign, reply, return, close, and the nightly deadline check."""
