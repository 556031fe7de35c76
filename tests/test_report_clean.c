/* test_report_clean.c - cf_report_clean() keeps its output byte for byte while its plain runs
 * are skipped in a tight loop: thousands of generated hostile cases against the digest of the
 * byte-at-a-time version it replaced. */
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

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

Test(report_clean, every_output_is_what_the_byte_at_a_time_loop_gave, .timeout = 30)
{
    cr_expect_eq(clean_digest(cf_report_clean), DIGEST_BEFORE,
                 "cf_report_clean() output changed for some generated case");
}

Test(report_clean, a_cut_falls_between_characters_and_says_what_it_left_out, .timeout = 5)
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
