"""Serve the demo news site for a person to look at.

Example: ``python -m demo_site --phase 2 --port 8765``
"""

from __future__ import annotations

import argparse
import sys
import time

from demo_site.server import DemoSite, FaultConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo_site", description="Serve the bundled fake news site."
    )
    parser.add_argument("--phase", type=int, choices=(1, 2), default=1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--timeout-seconds", type=float, default=30.0, help="how long /faults/timeout waits"
    )
    args = parser.parse_args(argv)
    site = DemoSite(
        phase=args.phase,
        host=args.host,
        port=args.port,
        faults=FaultConfig(timeout_seconds=args.timeout_seconds),
    )
    print(f"Demo news site at {site.base_url} (phase {site.phase})")
    print("Feeds:")
    for url in site.feed_urls():
        print(f"  {url}")
    print(f"Fault feed: {site.fault_feed_url()}")
    live = site.published()
    print(f"{len(live)} articles live. Type 1 or 2 and Enter to switch phase; Ctrl-C to stop.")
    try:
        if sys.stdin.isatty():
            for line in sys.stdin:
                if line.strip() in ("1", "2"):
                    site.set_phase(int(line.strip()))
                    print(f"phase {site.phase}: {len(site.published())} articles live")
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
