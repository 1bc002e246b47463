"""The `churn` command, as installed by pip: the same program as the Rust binary."""

import signal
import sys


def main() -> None:
    # Ctrl-C stops churn at once, as it stops the binary (Python would wait for churn to return).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    from churn._churn import main as run

    sys.exit(run(["churn", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
