/* test_report_text.c - text.c: cf_report_clean() keeps its output byte for byte while its
 * plain runs are skipped in a tight loop (thousands of generated hostile cases against the
 * digest of the byte-at-a-time version it replaced); cf_report_put_fixed() prints what printf
 * prints. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "report/internal.h"
#include "report/report.h"

/* Pieces a string is made of: plain text, what XML and terminals must not see raw, \r\n and a
 * lone \r, valid UTF-8 (2, 3 and 4 bytes, bidi overrides, U+FFFE), broken UTF-8. */
static const char *const clean_pieces[] = {
    "a",
    "plain text",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\x01",
    "\x1f",
    "\x7f",
    "\xc3\xa9",
    "\xe2\x80\xae",
    "\xef\xbf\xbe",
    "\xf0\x9f\x98\x80",
    "\xc2\x85",
    "\x80",
    "\xc3",
    "\xe2\x80",
    "\xed\xa0\x80",
    "\xff",
};

typedef cf_rc (*clean_fn)(cf_buf *out, const char *s, size_t max, unsigned flags);

/* FNV-1a over every case's return code and output: 400 strings of up to 12 pieces, each
 * under all 16 flag sets and 8 bounds (cuts inside and between characters). */
static uint64_t clean_digest(clean_fn clean)
{
    static const size_t bounds[] = {0, 1, 2, 3, 5, 8, 21, 4096};
    const size_t npieces = sizeof(clean_pieces) / sizeof(clean_pieces[0]);
    uint64_t h = 1469598103934665603ull, seed = 42;
    for (int k = 0; k < 400; k++) {
        char s[256] = "";
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t pieces = (size_t)(seed >> 33) % 13;
        for (size_t p = 0; p < pieces; p++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            strcat(s, clean_pieces[(seed >> 33) % npieces]);
        }
        for (unsigned flags = 0; flags < 16; flags++)
            for (size_t b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++) {
                cf_buf out;
                cf_buf_init(&out, 1u << 16);
                cf_rc rc = clean(&out, s, bounds[b], flags);
                h = (h ^ (uint64_t)rc) * 1099511628211ull;
                for (size_t i = 0; i < out.len; i++)
                    h = (h ^ (unsigned char)out.ptr[i]) * 1099511628211ull;
                h = (h ^ 0x100u) * 1099511628211ull; /* end of one output */
                cf_buf_free(&out);
            }
    }
    return h;
}

/* clean_digest(cf_report_clean) as computed with text.c before the tight loop (main at
 * 58845c5): any change of any output byte or return code changes it. */
#define DIGEST_BEFORE 0x87ee35c6d2cee371ull

Test(report_text, every_output_is_what_the_byte_at_a_time_loop_gave, .timeout = 30)
{
    cr_expect_eq(clean_digest(cf_report_clean), DIGEST_BEFORE,
                 "cf_report_clean() output changed for some generated case");
}

Test(report_text, a_cut_falls_between_characters_and_says_what_it_left_out, .timeout = 5)
{
    static const struct {
        const char *in;
        size_t max;
        unsigned flags;
        const char *out;
    } cases[] = {
        {"abc", 2, 0, "ab... (1 more bytes)"},
        {"a\303\251b", 2, 0, "a... (3 more bytes)"},
        {"<a&b>", 100, CF_CLEAN_XML, "&lt;a&amp;b&gt;"},
        {"x\r\ny", 100, CF_CLEAN_TERMINAL, "x\ny"},
        {"t\tab", 100, CF_CLEAN_ONE_LINE, "t ab"},
        {"\xff", 100, 0, "\xef\xbf\xbd"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cf_buf out;
        cf_buf_init(&out, 4096);
        cr_assert_eq(cf_report_clean(&out, cases[i].in, cases[i].max, cases[i].flags), CF_OK);
        cr_expect_str_eq(cf_buf_str(&out), cases[i].out, "case %zu", i);
        cf_buf_free(&out);
    }
}

/* v printed both ways: the fast path must never differ from printf. */
static void assert_fixed(double v, int decimals)
{
    char want[400];
    snprintf(want, sizeof(want), "%.*f", decimals, v);
    cf_buf got;
    cf_buf_init(&got, 4096);
    cr_assert_eq(cf_report_put_fixed(&got, v, decimals), CF_OK);
    cr_expect_str_eq(cf_buf_str(&got), want, "%.17g with %d decimals", v, decimals);
    cf_buf_free(&got);
}

Test(report_text, fixed_point_numbers_print_as_printf_prints_them, .timeout = 30)
{
    static const double edges[] = {
        0.0,     -0.0,       0.05,     0.15,  0.25,        0.5,      1.0005,    2.5,    0.0004999,
        0.0005,  0.00050001, 999.9999, 1e8,   99999999.95, 1e9,      1e9 + 0.5, 1e15,   1e300,
        DBL_MAX, DBL_MIN,    -1.25,    -0.04, NAN,         INFINITY, -INFINITY, 123.456};
    for (int d = 0; d <= 7; d++)
        for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
            assert_fixed(edges[i], d);
    /* Durations as runs make them: milliseconds with microsecond parts, and their ties. */
    uint64_t seed = 7;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        double v = (double)(seed >> 40) / 1000.0; /* 0 .. 16.7 million, 3 decimals */
        if (i % 3 == 1)
            v = (double)(seed >> 44) / 20.0; /* ties at the first decimal */
        if (i % 3 == 2)
            v = ldexp((double)(seed >> 11), -(int)(seed % 60)); /* any binary fraction */
        assert_fixed(v, 1);
        assert_fixed(v / 1000.0, 3);
    }
}
