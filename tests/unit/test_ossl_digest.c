/* The fingerprint digests, remembered per thread: whatever the order and
 * repetition of inputs, each result is the digest of its own input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "tg_ossl_digest.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

/* The reference: OpenSSL's one-shot digest, nothing remembered. */
static void reference(const EVP_MD *md, const void *data, size_t len, unsigned char *out)
{
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(data, len, out, &n, md, NULL), 1);
}

static void known_vectors(void **state)
{
    unsigned char out[32];
    char text[65];
    (void)state;
    for (int round = 0; round < 3; round++) { /* computed, then remembered */
        tg_ossl_md5("abc", 3, out);
        hex(out, 16, text);
        assert_string_equal(text, "900150983cd24fb0d6963f7d28e17f72");
        tg_ossl_sha256("abc", 3, out);
        hex(out, 32, text);
        assert_string_equal(text,
                            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        tg_ossl_md5("", 0, out);
        hex(out, 16, text);
        assert_string_equal(text, "d41d8cd98f00b204e9800998ecf8427e");
    }
}

/* More distinct inputs than a thread remembers, interleaved and repeated,
 * some of one length differing in one byte, some longer than remembered. */
static void every_result_is_its_inputs_digest(void **state)
{
    static unsigned char inputs[12][1500];
    static const size_t lens[12] = {1, 5, 5, 64, 64, 300, 1023, 1024, 1025, 1500, 7, 7};
    (void)state;
    for (int i = 0; i < 12; i++) {
        for (size_t j = 0; j < sizeof inputs[i]; j++)
            inputs[i][j] = (unsigned char)(j * 7 + (size_t)i / 2);
        inputs[i][lens[i] - 1] ^= (unsigned char)(i & 1); /* pairs differ in their last byte */
    }
    for (int round = 0; round < 200; round++) {
        int i = (round * 5 + round / 12) % 12;
        unsigned char got[32], want[32];
        tg_ossl_sha256(inputs[i], lens[i], got);
        reference(EVP_sha256(), inputs[i], lens[i], want);
        assert_memory_equal(got, want, 32);
        tg_ossl_md5(inputs[i], lens[i], got);
        reference(EVP_md5(), inputs[i], lens[i], want);
        assert_memory_equal(got, want, 16);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_vectors),
        cmocka_unit_test(every_result_is_its_inputs_digest),
    };
    return cmocka_run_group_tests_name("ossl_digest", tests, NULL, NULL);
}
