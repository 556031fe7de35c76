/* test_buf.c - cf_buf: init cannot fail, one growth path, past the maximum it frees itself and
 * says CF_E_TOO_LARGE, free accepts NULL, take hands the bytes out. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

Test(buf, init_gives_an_empty_buffer_without_allocating, .timeout = 5)
{
    cf_buf b;
    memset(&b, 0xab, sizeof(b)); /* init must not rely on a zeroed struct */
    cf_buf_init(&b, 100);
    cr_assert_null(b.ptr);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, 0);
    cr_assert_eq(b.max, 100);
    cr_assert_str_eq(cf_buf_str(&b), "", "an empty buffer reads as \"\", never NULL");
    cf_buf_free(&b);
}

Test(buf, adds_append_and_keep_a_terminating_nul, .timeout = 5)
{
    cf_buf b;
    cf_buf_init(&b, 1024);
    cr_assert_eq(cf_buf_add(&b, "ab", 2), CF_OK);
    cr_assert_eq(cf_buf_adds(&b, "cd"), CF_OK);
    cr_assert_eq(cf_buf_addc(&b, 'e'), CF_OK);
    cr_assert_eq(cf_buf_addf(&b, "-%d-%s", 42, "x"), CF_OK);
    cr_assert_eq(b.len, 10);
    cr_assert_str_eq(cf_buf_str(&b), "abcde-42-x");
    cr_assert_eq(b.ptr[b.len], '\0');
    cr_assert_eq(cf_buf_add(&b, "", 0), CF_OK, "adding nothing is fine");
    cr_assert_eq(b.len, 10);
    /* bytes may include NUL; len counts them */
    cr_assert_eq(cf_buf_add(&b, "y\0z", 3), CF_OK);
    cr_assert_eq(b.len, 13);
    cr_assert_eq(memcmp(b.ptr + 10, "y\0z", 4), 0);
    cf_buf_free(&b);
}

Test(buf, growth_keeps_every_byte_across_many_reallocations, .timeout = 5)
{
    cf_buf b;
    cf_buf_init(&b, 1u << 20);
    size_t last_cap = 0, growths = 0;
    for (unsigned i = 0; i < 100000; i++) {
        cr_assert_eq(cf_buf_addc(&b, (char)('a' + i % 26)), CF_OK);
        cr_assert_gt(b.cap, b.len, "room for the NUL at %u", i);
        if (b.cap != last_cap) {
            growths++;
            last_cap = b.cap;
        }
    }
    cr_assert_eq(b.len, 100000);
    for (unsigned i = 0; i < 100000; i++)
        cr_assert_eq(b.ptr[i], (char)('a' + i % 26), "byte %u", i);
    cr_assert_lt(growths, 20, "capacity grows geometrically, not per byte (%zu growths)", growths);
    cf_buf_free(&b);
}

Test(buf, exactly_the_maximum_fits, .timeout = 5)
{
    cf_buf b;
    cf_buf_init(&b, 8);
    cr_assert_eq(cf_buf_adds(&b, "12345678"), CF_OK);
    cr_assert_eq(b.len, 8);
    cr_assert_str_eq(cf_buf_str(&b), "12345678");
    cf_buf_free(&b);
    cf_buf_init(&b, 0);
    cr_assert_eq(cf_buf_add(&b, "", 0), CF_OK, "a maximum of 0 still takes nothing");
    cr_assert_eq(cf_buf_addc(&b, 'x'), CF_E_TOO_LARGE);
    cf_buf_free(&b);
}

/* Every way to add past the maximum frees the buffer and says CF_E_TOO_LARGE. */
Test(buf, past_the_maximum_it_frees_itself_and_says_too_large, .timeout = 5)
{
    for (int way = 0; way < 4; way++) {
        cf_buf b;
        cf_buf_init(&b, 8);
        cr_assert_eq(cf_buf_adds(&b, "1234567"), CF_OK);
        cf_rc rc = CF_OK;
        switch (way) {
        case 0:
            rc = cf_buf_add(&b, "89", 2);
            break;
        case 1:
            rc = cf_buf_adds(&b, "89");
            break;
        case 2:
            rc = cf_buf_addc(&b, '8') == CF_OK ? cf_buf_addc(&b, '9') : CF_E_INVALID;
            break;
        default:
            rc = cf_buf_addf(&b, "%d", 89);
            break;
        }
        cr_assert_eq(rc, CF_E_TOO_LARGE, "way %d: %s", way, cf_strerror(rc));
        cr_assert_null(b.ptr, "way %d: the bytes are freed", way);
        cr_assert_eq(b.len, 0, "way %d", way);
        cr_assert_eq(b.cap, 0, "way %d", way);
        cr_assert_str_eq(cf_buf_str(&b), "");
        /* the buffer stays usable with the same maximum */
        cr_assert_eq(b.max, 8, "way %d", way);
        cr_assert_eq(cf_buf_adds(&b, "ok"), CF_OK, "way %d", way);
        cr_assert_str_eq(cf_buf_str(&b), "ok");
        cf_buf_free(&b);
    }
}

Test(buf, a_length_that_would_overflow_is_too_large_not_a_crash, .timeout = 5)
{
    cf_buf b;
    cf_buf_init(&b, (size_t)-1);
    cr_assert_eq(cf_buf_adds(&b, "abc"), CF_OK);
    /* len + extra wraps around size_t: must be refused before any arithmetic overflows */
    volatile size_t huge = (size_t)-2; /* a length known at run time only, as in a writer */
    cr_assert_eq(cf_buf_add(&b, "x", huge), CF_E_TOO_LARGE);
    cr_assert_null(b.ptr);
    cf_buf_free(&b);
}

Test(buf, free_accepts_null_and_twice, .timeout = 5)
{
    cf_buf_free(NULL);
    cf_buf b;
    cf_buf_init(&b, 16);
    cf_buf_free(&b); /* never used */
    cr_assert_eq(cf_buf_adds(&b, "abc"), CF_OK);
    cf_buf_free(&b);
    cf_buf_free(&b);
    cr_assert_null(b.ptr);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.max, 16, "free keeps the maximum: the buffer is reusable");
}

Test(buf, reset_empties_but_keeps_the_allocation, .timeout = 5)
{
    cf_buf b;
    cf_buf_init(&b, 64);
    cf_buf_reset(&b); /* on a fresh buffer too */
    cr_assert_eq(cf_buf_adds(&b, "hello"), CF_OK);
    char *before = b.ptr;
    size_t cap = b.cap;
    cf_buf_reset(&b);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.ptr, before);
    cr_assert_eq(b.cap, cap);
    cr_assert_str_eq(cf_buf_str(&b), "");
    cr_assert_eq(cf_buf_adds(&b, "x"), CF_OK);
    cr_assert_str_eq(cf_buf_str(&b), "x");
    cf_buf_free(&b);
}

Test(buf, take_hands_the_bytes_out_and_empties_the_buffer, .timeout = 5)
{
    cf_buf b;
    cf_buf_init(&b, 64);
    cr_assert_null(cf_buf_take(&b), "nothing added: NULL");
    cr_assert_eq(cf_buf_adds(&b, "mine"), CF_OK);
    char *s = cf_buf_take(&b);
    cr_assert_str_eq(s, "mine");
    cr_assert_null(b.ptr);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(b.cap, 0);
    cr_assert_eq(cf_buf_adds(&b, "again"), CF_OK);
    cr_assert_str_eq(cf_buf_str(&b), "again");
    free(s);
    cf_buf_free(&b);
}

Test(buf, formatted_output_of_any_size_is_exact, .timeout = 5)
{
    cf_buf b;
    cf_buf_init(&b, 1u << 20);
    char big[5000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cr_assert_eq(cf_buf_addf(&b, "<%s>", big), CF_OK);
    cr_assert_eq(b.len, sizeof(big) + 1);
    cr_assert_eq(b.ptr[0], '<');
    cr_assert_eq(b.ptr[b.len - 1], '>');
    cr_assert_eq(b.ptr[b.len], '\0');
    cf_buf_free(&b);
}

/* A text that fits the room already there is printed once, after what the buffer holds; one
 * that does not is printed again whole after the buffer grew. */
Test(buf, formatted_output_appends_whether_it_fits_the_room_or_not, .timeout = 5)
{
    cf_buf b;
    cf_buf_init(&b, 1u << 16);
    cr_assert_eq(cf_buf_adds(&b, "a"), CF_OK);
    cr_assert_eq(cf_buf_addf(&b, "-%d-%s", 42, "x"), CF_OK);
    cr_assert_str_eq(cf_buf_str(&b), "a-42-x");
    size_t cap = b.cap;
    char big[300];
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cr_assert_eq(cf_buf_addf(&b, "[%s]", big), CF_OK);
    cr_assert_gt(b.cap, cap, "it grew");
    cr_assert_eq(b.len, 6 + 1 + 299 + 1);
    cr_assert_eq(memcmp(b.ptr, "a-42-x[zz", 9), 0);
    cr_assert_eq(b.ptr[b.len - 1], ']');
    cr_assert_eq(b.ptr[b.len], '\0');
    cr_assert_eq(cf_buf_addf(&b, "%s", ""), CF_OK);
    cr_assert_eq(b.len, 307);
    cf_buf_free(&b);
}
