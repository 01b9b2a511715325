#!/usr/bin/env python3
"""Recovery figures of a kill drill from the load generator's per-second timelines.

  recovery.py FILE KIND EXPECT KILL_MS [RESTART_MS]

FILE is the output of http-get / http-post-urls --timeline (KIND http) or of ws-reconnect (KIND sockets).
EXPECT is the status class every answer should have (2xx for writes, 3xx for reads). Times are epoch ms.
Prints key=value lines; a second counts as bad if any answer in it was not EXPECT (or, for reads, was stale).
"""
import re
import sys


def rows(path):
    """(epoch ms of the second's start, {column: count}) for each timeline row."""
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^timeline: .*\(epoch ms (\d+)\)", text, re.M)
    if not m:
        return []
    start = int(m.group(1))
    lines = text[m.end():].splitlines()
    header = None
    out = []
    for line in lines:
        if line.startswith("second"):
            header = line.split()[2:]
            continue
        cells = line.split()
        if header and cells and cells[0].startswith("+") and cells[0].endswith("s"):
            second = int(cells[0][1:-1])
            out.append((start + second * 1000, dict(zip(header, map(int, cells[2:])))))
        elif header and cells:
            break
    return out


def seconds(ms):
    return "%.1f" % (ms / 1000.0)


def http(path, expect, kill, restart):
    data = rows(path)
    end = restart if restart else float("inf")
    classes = ["2xx", "3xx", "4xx", "5xx", "errors"]
    window = [(t, c) for t, c in data if t + 1000 > kill and t < end]
    bad = [(t, c) for t, c in window if sum(c[k] for k in classes if k != expect) > 0]
    stale = [(t, c) for t, c in window if c.get("stale", 0) > 0]
    total = sum(sum(c[k] for k in classes) for _, c in window)
    failed = sum(sum(c[k] for k in classes if k != expect) for _, c in window)
    print("answers_after_kill=%d" % total)
    print("not_%s_after_kill=%d" % (expect, failed))
    for k in classes:
        if k != expect:
            n = sum(c[k] for _, c in window)
            if n:
                print("  %s=%d" % (k, n))
    print("bad_seconds_after_kill=%d" % len(bad))
    # from the kill to the end of the last second with a wrong answer: after it, every answer was right
    print("all_answering_again_s=%s" % (seconds(max(0, bad[-1][0] + 1000 - kill)) if bad else "0"))
    if expect == "3xx":
        print("stale_answers_after_kill=%d" % sum(c.get("stale", 0) for _, c in window))
        if stale:
            print("first_stale_s=%s" % seconds(max(0, stale[0][0] - kill)))
            print("last_stale_s=%s" % seconds(stale[-1][0] + 1000 - kill))
    if restart:
        after = [(t, c) for t, c in data if t + 1000 > restart]
        if not sum(sum(c[k] for k in classes) for _, c in after):
            print("after_restart=no answers (the load had ended)")
            return
        wrong = [(t, c) for t, c in after
                 if sum(c[k] for k in classes if k != expect) > 0 or c.get("stale", 0) > 0]
        print("not_%s_or_stale_after_restart=%d" % (expect, sum(
            sum(c[k] for k in classes if k != expect) + c.get("stale", 0) for _, c in after)))
        print("all_current_after_restart_s=%s" % (
            seconds(max(0, wrong[-1][0] + 1000 - restart)) if wrong else "0"))


def sockets(path, kill, restart):
    data = rows(path)
    end = restart if restart else float("inf")
    window = [(t, c) for t, c in data if t + 1000 > kill and t < end]
    down = [(t, c) for t, c in window if c.get("down", 0) > 0]
    print("closes_after_kill=%d" % sum(c.get("closes", 0) for _, c in window))
    print("reconnects_after_kill=%d" % sum(c.get("reconnects", 0) for _, c in window))
    print("most_down_at_once=%d" % max([c.get("down", 0) for _, c in window] or [0]))
    print("all_reconnected_s=%s" % (seconds(max(0, down[-1][0] + 1000 - kill)) if down else "0"))
    if restart:
        after = [(t, c) for t, c in data if t + 1000 > restart]
        print("closes_after_restart=%d" % sum(c.get("closes", 0) for _, c in after))
        down_after = [(t, c) for t, c in after if c.get("down", 0) > 0]
        print("all_reconnected_after_restart_s=%s" % (
            seconds(max(0, down_after[-1][0] + 1000 - restart)) if down_after else "0"))


def main(argv):
    path, kind, expect, kill = argv[1], argv[2], argv[3], int(argv[4])
    restart = int(argv[5]) if len(argv) > 5 and argv[5] else None
    if kind == "sockets":
        sockets(path, kill, restart)
    else:
        http(path, expect, kill, restart)


if __name__ == "__main__":
    main(sys.argv)
