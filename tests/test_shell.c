/* test_shell.c - shell.c's quoting equals the byte-by-byte rule on hostile words. */
#include <string.h>

#include <criterion/criterion.h>

#include "base/shell.h"

/* The rule written byte by byte: each ' becomes '\'' inside one pair of quotes. */
static cf_rc reference_quote(cf_buf *out, const char *s, size_t len)
{
    cf_rc rc = cf_buf_addc(out, '\'');
    for (size_t i = 0; rc == CF_OK && i < len; i++)
        rc = s[i] == '\'' ? cf_buf_adds(out, "'\\''") : cf_buf_addc(out, s[i]);
    return rc == CF_OK ? cf_buf_addc(out, '\'') : rc;
}

Test(shell, quoting_in_runs_equals_quoting_byte_by_byte, .timeout = 5)
{
    static const struct {
        const char *s;
        size_t len;
    } words[] = {
        {"", 0},
        {"plain", 5},
        {"'", 1},
        {"''", 2},
        {"a'b", 3},
        {"'lead", 5},
        {"trail'", 6},
        {"a''b'''c", 8},
        {"nul\0after'", 10},
        {"$HOME `x` \"q\"", 14},
        {"\n\t\\'\x01\xff", 6},
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        cf_buf got, want;
        cf_buf_init(&got, 4096);
        cf_buf_init(&want, 4096);
        cr_assert_eq(cf_shell_quote(&got, words[i].s, words[i].len), CF_OK);
        cr_assert_eq(reference_quote(&want, words[i].s, words[i].len), CF_OK);
        cr_expect_eq(got.len, want.len, "word %zu", i);
        cr_expect(got.len == want.len && memcmp(got.ptr, want.ptr, got.len) == 0, "word %zu", i);
        cf_buf_free(&got);
        cf_buf_free(&want);
    }
    /* Past the buffer's maximum both fail the same way. */
    cf_buf small;
    cf_buf_init(&small, 6);
    cr_expect_eq(cf_shell_quote(&small, "a'b'c", 5), CF_E_TOO_LARGE);
    cf_buf_free(&small);
}
