"""What the Python benchmark drivers share: reading a process's resident memory."""


def rss_mib(pid):
    """The VmRSS of process `pid` in MiB (NaN when it cannot be read)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")
