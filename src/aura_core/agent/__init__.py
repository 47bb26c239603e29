"""The agent loop and what feeds it: context, prompts and run bookkeeping."""
