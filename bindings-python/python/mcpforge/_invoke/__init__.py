"""How a registered function is called by the engine, one job per module: ``outcomes`` (the
``(tag, payload)`` outcomes a call reports), ``failures`` (what an exception becomes and
where it is logged), ``wrappers`` (the sync and async wrappers the engine runs),
``binding`` (inputs to keyword arguments) and ``results`` (return values to results)."""
