/* A deliberate memory error for the sanitizer run of the integration tests.
 *
 * Built only with --enable-sanitizers (same flags as mod_tlsguard) and loaded
 * only by tests/integration/test_09_hostile.py, beside mod_tlsguard in
 * Debian's httpd: it proves that an error in an instrumented module inside
 * that server reaches the report files the tests collect, so that "no report"
 * means something.
 *   GET /asan-canary   writes one byte past a malloc'd buffer (ASan)
 *   GET /segv-canary   writes to an unmapped address (ASan's SEGV report, which
 *                      httpd's own fatal-signal handler would otherwise take)
 *   GET /ubsan-canary  overflows a signed int (UBSan)
 * Any other request is declined. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <http_config.h>
#include <http_protocol.h>

static int canary_handler(request_rec *r)
{
    if (strcmp(r->uri, "/asan-canary") == 0) {
        size_t n = strlen(r->uri);
        /* volatile: the compiler can neither see the bound nor drop the store */
        volatile char *volatile p = malloc(n);
        if (!p)
            return HTTP_INTERNAL_SERVER_ERROR;
        p[n] = '!'; /* heap-buffer-overflow: one byte past the end */
        free((char *)p);
        return HTTP_NO_CONTENT;
    }
    if (strcmp(r->uri, "/segv-canary") == 0) {
        volatile int *volatile wild = (int *)16; /* not NULL: UBSan would report that first */
        *wild = 1;
        return HTTP_NO_CONTENT;
    }
    if (strcmp(r->uri, "/ubsan-canary") == 0) {
        volatile int big = INT_MAX;
        int sum = big + (int)(strlen(r->uri) > 0); /* signed integer overflow */
        return sum ? HTTP_NO_CONTENT : HTTP_INTERNAL_SERVER_ERROR;
    }
    return DECLINED;
}

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_handler(canary_handler, NULL, NULL, APR_HOOK_FIRST);
}

AP_DECLARE_MODULE(asan_canary) = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks, AP_MODULE_FLAG_NONE,
};
