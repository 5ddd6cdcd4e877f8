/*
 * Unit tests for tg_metric_layout: the number changes with the shape and
 * with any name's text, place or boundary, and the id covers every reason,
 * stage and profile name in table order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tg_classify.h"
#include "tg_metric_layout.h"
#include "tg_profile.h"

static void test_hash_sees_every_name_and_its_place(void **state)
{
    static const char *base[] = { "protocol_version", "no_shared_cipher", "other" };
    static const char *swapped[] = { "no_shared_cipher", "protocol_version", "other" };
    static const char *renamed[] = { "protocol_version", "no_shared_cipher", "others" };
    static const char *split1[] = { "ab", "c" };
    static const char *split2[] = { "a", "bc" };
    uint64_t h = tg_metric_layout_hash(1, base, 3);

    (void)state;
    assert_true(h == tg_metric_layout_hash(1, base, 3));
    assert_true(h != tg_metric_layout_hash(2, base, 3));
    assert_true(h != tg_metric_layout_hash(1, swapped, 3));
    assert_true(h != tg_metric_layout_hash(1, renamed, 3));
    assert_true(h != tg_metric_layout_hash(1, base, 2));
    assert_true(tg_metric_layout_hash(1, split1, 2) != tg_metric_layout_hash(1, split2, 2));
}

static void test_id_covers_the_tables(void **state)
{
    const char *names[TG_REASON_COUNT + TG_STAGE_COUNT + 64];
    size_t n = 0;
    unsigned profiles = 0;

    (void)state;
    for (unsigned r = 0; r < TG_REASON_COUNT; r++)
        names[n++] = tg_reason_name((tg_reason_t)r);
    for (unsigned st = 0; st < TG_STAGE_COUNT; st++)
        names[n++] = tg_stage_name((tg_stage_t)st);
    while (profiles < 7 && tg_profile_at(profiles))
        names[n++] = tg_profile_at(profiles++)->name;
    assert_true(profiles >= 3);
    assert_true(tg_metric_layout_id(42, 7) == tg_metric_layout_hash(42, names, n));
    assert_true(tg_metric_layout_id(42, profiles - 1) != tg_metric_layout_id(42, profiles));
    assert_true(tg_metric_layout_id(42, 7) != tg_metric_layout_id(43, 7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_sees_every_name_and_its_place),
        cmocka_unit_test(test_id_covers_the_tables),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
