/* test_array.c - cf_array_reserve: the one growth path of growable arrays. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/array.h"

Test(array, starts_at_first_then_doubles, .timeout = 5)
{
    int *items = NULL;
    size_t cap = 0, count = 0;
    size_t seen[4];
    for (int i = 0; i < 4; i++) {
        while (count < cap)
            items[count++] = i;
        int *grown = cf_array_reserve(items, &cap, count, sizeof(*items), 3);
        cr_assert_not_null(grown);
        items = grown;
        seen[i] = cap;
    }
    cr_assert_eq(seen[0], 3);
    cr_assert_eq(seen[1], 6);
    cr_assert_eq(seen[2], 12);
    cr_assert_eq(seen[3], 24);
    cr_assert_eq(items[0], 1, "the elements survive growth");
    cr_assert_eq(items[11], 3);
    free(items);
}

Test(array, leaves_the_block_alone_while_there_is_room, .timeout = 5)
{
    size_t cap = 0;
    char *items = cf_array_reserve(NULL, &cap, 0, 1, 8);
    cr_assert_not_null(items);
    cr_assert_eq(cf_array_reserve(items, &cap, 7, 1, 8), items);
    cr_assert_eq(cap, 8);
    free(items);
}

Test(array, refuses_a_size_that_would_overflow_and_keeps_the_old_block, .timeout = 5)
{
    size_t cap = 0;
    long *items = cf_array_reserve(NULL, &cap, 0, sizeof(*items), 2);
    cr_assert_not_null(items);
    items[0] = 42;
    size_t huge = SIZE_MAX / sizeof(*items) / 2 + 1; /* doubling this overflows the byte count */
    size_t before = huge;
    cr_assert_null(cf_array_reserve(items, &huge, huge, sizeof(*items), 2));
    cr_assert_eq(huge, before, "the capacity is unchanged on failure");
    cr_assert_eq(items[0], 42, "the old block is still valid");
    free(items);
}
