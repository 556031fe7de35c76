/* test_report_case_lines.c - what a passed case writes without cJSON or a float printf: its
 * report.json line is byte for byte what cJSON prints for the same case, its JUnit time is
 * what "%.3f" prints. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "report_test.h"
#include "schema_util.h"
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

Test(report_case_lines, a_passed_case_with_hostile_strings_prints_as_cjson_would, .timeout = 10)
{
    static const char *const texts[] = {
        "plain",
        "",
        "quote \" backslash \\ slash /",
        "controls \x01\b\f\n\r\t\x1f and DEL \x7f",
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
        "invalid \x80\xC0\xAF\xED\xA0\x80\xE2\x82 end",
        /* a byte to escape in the last word, after whole words and alone */
        "12345678\"",
        "1234567\x01",
        "abcdefghijklmno\\",
        "abcdefgh\xC3\xA9",
        "\x7f",
        "12345678abcdefg",
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

Test(report_case_lines, a_huge_string_is_cut_as_in_the_tree, .timeout = 10)
{
    char *big = cf_test_repeat("x", CF_REPORT_FIELD_MAX + 10);
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

Test(report_case_lines, durations_print_as_cjson_numbers, .timeout = 10)
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

/* Microseconds the way report_json.c rounds a duration. */
static double ms3(double ms)
{
    double scaled = ms * 1000.0;
    return (double)(long long)(scaled < 0 ? scaled - 0.5 : scaled + 0.5) / 1000.0;
}

Test(report_case_lines, random_durations_print_their_own_value_in_both_files, .timeout = 30)
{
    srand(12);
    for (int i = 0; i < 20000; i++) {
        double ms;
        switch (i % 4) {
        case 0: /* any double up to 100 s */
            ms = (double)rand() / RAND_MAX * 1e5;
            break;
        case 1: /* whole microseconds */
            ms = (double)(rand() % 100000000) / 1000.0;
            break;
        case 2: /* half a millisecond of a JUnit second: a tie for "%.3f" */
            ms = (double)(rand() % 100000) + 0.5;
            break;
        default: /* long and tiny */
            ms = i % 8 == 3 ? (double)rand() * 1e4 : (double)rand() / RAND_MAX * 1e-3;
            break;
        }
        cf_run_result r = {0};
        cf_case_result *c = cf_test_add_case(&r, "specs/a.json", "A", "id", NULL, 1, 1, ms);
        cf_buf b;
        cf_buf_init(&b, CF_REPORT_MAX);
        cr_assert_eq(cf_report_json_case(c, &b), CF_OK);
        cJSON *v = cJSON_ParseWithLength(b.ptr, b.len);
        cr_assert_not_null(v);
        char *again = cJSON_PrintUnformatted(v);
        cr_assert_str_eq(again, cf_buf_str(&b), "duration %.17g", ms);
        double got = cJSON_GetObjectItemCaseSensitive(v, "duration_ms")->valuedouble;
        cr_assert_eq(got, ms3(ms), "duration %.17g: %.17g, want %.17g", ms, got, ms3(ms));
        free(again);
        cJSON_Delete(v);
        cf_buf_reset(&b);
        cr_assert_eq(cf_report_junit_testcase(&b, &r, c), CF_OK);
        char want[80];
        snprintf(want, sizeof(want), " time=\"%.3f\"", ms / 1000.0);
        cr_assert_not_null(strstr(cf_buf_str(&b), want), "duration %.17g: %s, want%s", ms,
                           cf_buf_str(&b), want);
        cf_buf_free(&b);
        cf_run_result_cleanup(&r);
    }
}
