/* test_http.c - header lists (injection refused, case-insensitive lookup) and media types. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "http/headers.h"
#include "base/limits.h"

Test(http, add_and_get_ignore_name_case, .timeout = 10)
{
    cf_headers h = {0};
    cr_assert_eq(cf_headers_add(&h, "Content-Type", "application/json"), CF_OK);
    cr_assert_eq(cf_headers_add(&h, "X-Amz-Bearer", "token"), CF_OK);
    cr_assert_str_eq(cf_headers_get(&h, "content-type"), "application/json");
    cr_assert_str_eq(cf_headers_get(&h, "X-AMZ-BEARER"), "token");
    cr_assert_null(cf_headers_get(&h, "Accept"));
    cr_assert_eq(h.count, 2);
    cf_headers_cleanup(&h);
    cr_assert_eq(h.count, 0);
    cr_assert_null(h.items);
}

Test(http, get_returns_the_first_of_repeated_names, .timeout = 10)
{
    cf_headers h = {0};
    cr_assert_eq(cf_headers_add(&h, "Via", "one"), CF_OK);
    cr_assert_eq(cf_headers_add(&h, "via", "two"), CF_OK);
    cr_assert_str_eq(cf_headers_get(&h, "VIA"), "one");
    cf_headers_cleanup(&h);
}

Test(http, remove_drops_every_header_of_that_name, .timeout = 10)
{
    cf_headers h = {0};
    cr_assert_eq(cf_headers_add(&h, "A", "1"), CF_OK);
    cr_assert_eq(cf_headers_add(&h, "b", "2"), CF_OK);
    cr_assert_eq(cf_headers_add(&h, "a", "3"), CF_OK);
    cr_assert_eq(cf_headers_add(&h, "C", "4"), CF_OK);
    cf_headers_remove(&h, "A");
    cr_assert_eq(h.count, 2);
    cr_assert_str_eq(h.items[0].name, "b");
    cr_assert_str_eq(h.items[1].name, "C");
    cr_assert_null(cf_headers_get(&h, "a"));
    cf_headers_remove(&h, "absent");
    cr_assert_eq(h.count, 2);
    cf_headers_cleanup(&h);
}

Test(http, cleanup_and_remove_accept_null, .timeout = 10)
{
    cf_headers_cleanup(NULL);
    cf_headers_remove(NULL, "x");
    cr_assert_null(cf_headers_get(NULL, "x"));
}

/* Header injection: CR, LF or NUL in a name or value must never reach the wire. */
Test(http, add_refuses_line_breaks_in_values, .timeout = 10)
{
    static const char *const bad[] = {"a\r\nX-Injected: 1", "a\nb", "a\rb", "\r\n", "x\r"};
    cf_headers h = {0};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(cf_headers_add(&h, "X-Test", bad[i]), CF_E_INVALID, "value %zu", i);
    cr_assert_eq(h.count, 0);
    cf_headers_cleanup(&h);
}

Test(http, addn_refuses_nul_inside_a_value, .timeout = 10)
{
    cf_headers h = {0};
    cr_assert_eq(cf_headers_addn(&h, "X", 1, "a\0b", 3), CF_E_INVALID);
    cr_assert_eq(cf_headers_addn(&h, "X\0Y", 3, "v", 1), CF_E_INVALID);
    cr_assert_eq(h.count, 0);
    cf_headers_cleanup(&h);
}

Test(http, add_refuses_names_that_are_not_tokens, .timeout = 10)
{
    static const char *const bad[] = {"",          "X Test", "X:Test", "X\r\nY", "X\tY",
                                      "(comment)", "a/b",    "a\"b",   "é",      "a@b",
                                      "a,b",       "a;b",    "a=b",    "{x}",    "a\\b"};
    cf_headers h = {0};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(cf_headers_add(&h, bad[i], "v"), CF_E_INVALID, "name %zu", i);
    cr_assert_eq(cf_headers_add(&h, NULL, "v"), CF_E_INVALID);
    cr_assert_eq(cf_headers_add(&h, "X", NULL), CF_E_INVALID);
    cr_assert_eq(h.count, 0);
    cf_headers_cleanup(&h);
}

Test(http, token_accepts_every_tchar, .timeout = 10)
{
    static const char tchars[] = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    cr_assert(cf_http_is_token(tchars, strlen(tchars)));
    for (int c = 0; c < 256; c++) {
        char s = (char)c;
        int expect = c != 0 && strchr(tchars, c) != NULL;
        cr_assert_eq(cf_http_is_token(&s, 1), expect, "byte %d", c);
    }
    cr_assert_not(cf_http_is_token(NULL, 0));
    cr_assert_not(cf_http_is_token("x", 0));
}

Test(http, add_keeps_values_verbatim_but_addn_trims_them, .timeout = 10)
{
    cf_headers h = {0};
    cr_assert_eq(cf_headers_add(&h, "A", " padded\t"), CF_OK);
    cr_assert_eq(cf_headers_addn(&h, "B: ignored", 1, " \t padded \t ", 12), CF_OK);
    cr_assert_eq(cf_headers_addn(&h, "C", 1, "   ", 3), CF_OK);
    cr_assert_eq(cf_headers_add(&h, "D", ""), CF_OK);
    cr_assert_str_eq(cf_headers_get(&h, "a"), " padded\t");
    cr_assert_str_eq(cf_headers_get(&h, "b"), "padded");
    cr_assert_str_eq(cf_headers_get(&h, "c"), "");
    cr_assert_str_eq(cf_headers_get(&h, "d"), "");
    cf_headers_cleanup(&h);
}

Test(http, add_stops_at_the_header_count_limit, .timeout = 10)
{
    cf_headers h = {0};
    char name[32];
    for (unsigned i = 0; i < CF_MAX_HEADER_COUNT; i++) {
        snprintf(name, sizeof(name), "X-%u", i);
        cr_assert_eq(cf_headers_add(&h, name, "v"), CF_OK);
    }
    cr_assert_eq(cf_headers_add(&h, "One-Too-Many", "v"), CF_E_TOO_LARGE);
    cr_assert_eq(h.count, CF_MAX_HEADER_COUNT);
    cf_headers_cleanup(&h);
}

typedef struct {
    const char *content_type;
    const char *want;
    int match;
} media_case;

Test(http, media_type_ignores_parameters_case_and_spaces, .timeout = 10)
{
    static const media_case cases[] = {
        {"application/json", "application/json", 1},
        {"application/json; charset=utf-8", "application/json", 1},
        {"Application/JSON;charset=UTF-8", "application/json", 1},
        {"  application/json  ; charset=utf-8", "application/json", 1},
        {"application/json\t", "application/json", 1},
        {"application/json", " APPLICATION/json ", 1},
        {"application/json", "application/json; charset=utf-8", 1},
        {"application/jsonx", "application/json", 0},
        {"application/json-patch+json", "application/json", 0},
        {"text/json", "application/json", 0},
        {"application", "application/json", 0},
        {"", "application/json", 0},
        {";charset=utf-8", "", 0},
        {"", "", 0},
        {NULL, "application/json", 0},
        {"application/json", NULL, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_assert_eq(cf_http_media_type_is(cases[i].content_type, cases[i].want), cases[i].match,
                     "case %zu: '%s' vs '%s'", i,
                     cases[i].content_type ? cases[i].content_type : "(null)",
                     cases[i].want ? cases[i].want : "(null)");
}
