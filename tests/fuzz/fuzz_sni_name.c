/*
 * fuzz_sni_name.c - libFuzzer target for the nginx adapter's reading of a
 * server_name extension body (mod_src/nginx/tg_ngx_sni_name.h), which
 * decides whether the module selects a server block early.
 *
 * Any bytes: no crash, no read outside the input; an accepted name lies
 * inside the input and inside the list, after a host_name entry header.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_sni_name.c \
 *     -o fuzz_sni_name && ./fuzz_sni_name tests/data/fuzz-sni_name/
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../mod_src/nginx/tg_ngx_sni_name.h"

#define CHECK(cond)       \
    do {                  \
        if (!(cond))      \
            abort();      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy of exactly `size` bytes, so ASan sees any read past the end */
    uint8_t *ext = malloc(size ? size : 1);
    const uint8_t *name = NULL;
    size_t n = 0;
    CHECK(ext != NULL);
    memcpy(ext, data, size);
    if (tg_ngx_sni_first_host_name(ext, size, &name, &n)) {
        size_t list = (size_t)ext[0] << 8 | ext[1];
        CHECK(size >= 5 && ext[2] == TG_NGX_SNI_HOST_NAME);
        CHECK(name == ext + 5 && n <= size - 5 && n + 3 <= list && list + 2 <= size);
        volatile uint8_t sum = 0;
        for (size_t i = 0; i < n; i++)
            sum ^= name[i];
        (void)sum;
    }
    CHECK(!tg_ngx_sni_first_host_name(ext, size < 5 ? size : 4, &name, &n));
    free(ext);
    return 0;
}
