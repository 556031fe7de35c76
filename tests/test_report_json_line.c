/* test_report_json_line.c - a passed case's report.json line, written without a cJSON tree,
 * is byte for byte what cJSON prints for the same case. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "report_test.h"
#include "report/report.h"
#include "check/result.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The line parses, and cJSON prints the parsed value back as the very same bytes. */
static void expect_cjson_bytes(const cf_case_result *c, const char *what)
{
    cf_buf b;
    cf_buf_init(&b, CF_REPORT_MAX);
    cr_assert_eq(cf_report_json_case(c, &b), CF_OK, "%s", what);
    cJSON *v = cJSON_ParseWithLength(b.ptr, b.len);
    cr_assert_not_null(v, "%s: not JSON: %s", what, cf_buf_str(&b));
    char *again = cJSON_PrintUnformatted(v);
    cr_assert_not_null(again);
    cr_expect_str_eq(again, cf_buf_str(&b), "%s", what);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(v, "status")->valuestring, "passed");
    free(again);
    cJSON_Delete(v);
    cf_buf_free(&b);
}

Test(report_json_line, a_passed_case_with_hostile_strings_prints_as_cjson_would, .timeout = 10)
{
    static const char *const texts[] = {
        "plain",
        "",
        "quote \" backslash \\ slash /",
        "controls \x01\b\f\n\r\t\x1f and DEL \x7f",
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
        "invalid \x80\xC0\xAF\xED\xA0\x80\xE2\x82 end",
    };
    for (size_t i = 0; i < COUNT(texts); i++) {
        cf_run_result r = {0};
        cf_case_result *c =
            cf_test_add_case(&r, texts[i], texts[i], texts[i], i % 2 ? NULL : texts[i], 1, 1, 12.5);
        c->operation = i % 3 ? cf_test_dup(texts[i]) : NULL;
        c->not_run = i % 2 ? cf_test_dup(texts[i]) : NULL;
        cf_test_add_check(c, texts[i], 1, "step", NULL, NULL);
        cf_test_add_check(c, "transport.response", 1, "step", NULL, NULL);
        expect_cjson_bytes(c, texts[i]);
        cf_run_result_cleanup(&r);
    }
}

Test(report_json_line, a_huge_string_is_cut_as_in_the_tree, .timeout = 10)
{
    size_t n = CF_REPORT_FIELD_MAX + 10;
    char *big = malloc(n + 1);
    cr_assert_not_null(big);
    memset(big, 'x', n);
    big[n] = '\0';
    cf_run_result r = {0};
    cf_case_result *c = cf_test_add_case(&r, "specs/a.json", "A", "big", big, 1, 1, 1.0);
    expect_cjson_bytes(c, "huge summary");
    cf_buf b;
    cf_buf_init(&b, CF_REPORT_MAX);
    cr_assert_eq(cf_report_json_case(c, &b), CF_OK);
    cr_expect_not_null(strstr(cf_buf_str(&b), "more bytes)"));
    cf_buf_free(&b);
    free(big);
    cf_run_result_cleanup(&r);
}

Test(report_json_line, durations_print_as_cjson_numbers, .timeout = 10)
{
    static const double ms[] = {0,      0.001,      0.0004, 0.1,        1.5,        12.345,
                                85.358, 129.477,    1000,   123456.789, 2147483647, 2147483648.5,
                                1e13,   1e15 + 0.5, 1e21,   -3.25,      NAN,        INFINITY};
    for (size_t i = 0; i < COUNT(ms); i++) {
        cf_run_result r = {0};
        cf_case_result *c = cf_test_add_case(&r, "specs/a.json", "A", "id", NULL, 1, 1, ms[i]);
        char what[64];
        snprintf(what, sizeof(what), "duration %g", ms[i]);
        expect_cjson_bytes(c, what);
        cf_run_result_cleanup(&r);
    }
}
