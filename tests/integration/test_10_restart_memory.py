"""The parent process does not grow with graceful restarts: nothing the
module allocates in OpenSSL per configuration cycle outlives the cycle
(the configuration-check context, the ex_data slots)."""

RESTARTS_WARM = 10
RESTARTS = 40
GROWTH_LIMIT_KB = 120  # the old leak was ~12 KB a restart: 480 KB over 40


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


def test_parent_rss_is_flat_over_graceful_restarts(httpd):
    httpd.simple("TLSGuardEventLog logs/events.json\nTLSGuardProfile nist-800-52r2")
    httpd.start()
    for _ in range(RESTARTS_WARM):
        httpd.graceful()
    before = rss_kb(httpd.pid())
    for _ in range(RESTARTS):
        httpd.graceful()
    after = rss_kb(httpd.pid())
    print("parent VmRSS after %d graceful restarts: %d kB; after %d more: %d kB (%+d kB)"
          % (RESTARTS_WARM, before, RESTARTS, after, after - before))
    assert after - before < GROWTH_LIMIT_KB, (before, after)
