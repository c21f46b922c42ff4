"""The console script and `python -m tether`: the collector is off before the first import
(tether.startup says why)."""

from tether.startup import quiet_start

quiet_start()

from tether.cli import main  # noqa: E402  (after quiet_start, which is the point)

__all__ = ["main"]

if __name__ == "__main__":
    main()
