"""Status adapters: one module per status platform, each `async def read(check, ctx, url) -> Outcome`."""
