/* test_timefmt.c - RFC 3339 parsing, the AWS millisecond form, formatting and clocks. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/timefmt.h"

/* Parses from an exact-size heap copy (no NUL after it), so ASan sees over-reads. */
static int parse_exact(const char *text, int64_t *ms)
{
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1);
    cr_assert_not_null(copy);
    memcpy(copy, text, len);
    int ok = cf_time_parse_rfc3339(copy, len, ms);
    free(copy);
    return ok;
}

Test(timefmt, parses_valid_timestamps_to_epoch_milliseconds, .timeout = 5)
{
    static const struct {
        const char *text;
        int64_t ms;
    } cases[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"1970-01-01T00:00:00.001Z", 1},
        {"1969-12-31T23:59:59.999Z", -1},
        {"2019-11-08T02:41:28.172Z", 1573180888172},
        {"2025-01-01T00:00:00Z", 1735689600000},
        {"2000-02-29T12:00:00Z", 951825600000},  /* divisible by 400: leap */
        {"2024-02-29T00:00:00Z", 1709164800000}, /* divisible by 4: leap */
        {"2024-12-31T23:59:59Z", 1735689599000},
        {"2025-01-01t00:00:00z", 1735689600000}, /* 'T' and 'Z' in lower case */
        {"2025-01-01T02:00:00+02:00", 1735689600000},
        {"2024-12-31T19:30:00-04:30", 1735689600000},
        {"2025-01-01T00:00:00-00:00", 1735689600000},
        {"2025-01-01T00:00:00+23:59", 1735689600000 - 86340000},
        {"2025-01-01T00:00:00.5Z", 1735689600500},         /* one fractional digit */
        {"2025-01-01T00:00:00.12Z", 1735689600120},        /* two */
        {"2025-01-01T00:00:00.123456789Z", 1735689600123}, /* nine, truncated */
        {"2016-12-31T23:59:60Z", 1483228800000},           /* leap second: next minute */
        {"0000-01-01T00:00:00Z", -62167219200000},
        {"9999-12-31T23:59:59.999Z", 253402300799999},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ms = -42;
        cr_expect(parse_exact(cases[i].text, &ms), "case %zu (%s) rejected", i, cases[i].text);
        cr_expect_eq(ms, cases[i].ms, "case %zu (%s): %lld, want %lld", i, cases[i].text,
                     (long long)ms, (long long)cases[i].ms);
    }
}

Test(timefmt, rejects_invalid_timestamps, .timeout = 5)
{
    static const char *const cases[] = {
        "",
        "2025-01-01",           /* date only */
        "2025-01-01T00:00:00",  /* missing zone */
        "2025-01-01T00:00Z",    /* missing seconds */
        "2025-01-01 00:00:00Z", /* space instead of T */
        "2025-01-01X00:00:00Z",
        "2025-13-01T00:00:00Z", /* month 13 */
        "2025-00-01T00:00:00Z", /* month 0 */
        "2025-01-00T00:00:00Z", /* day 0 */
        "2025-01-32T00:00:00Z",
        "2025-04-31T00:00:00Z",      /* April has 30 days */
        "2023-02-29T00:00:00Z",      /* not a leap year */
        "1900-02-29T00:00:00Z",      /* divisible by 100, not 400 */
        "2025-01-01T24:00:00Z",      /* hour 24 */
        "2025-01-01T00:60:00Z",      /* minute 60 */
        "2025-01-01T00:00:61Z",      /* second 61 */
        "2025-01-01T00:00:00.Z",     /* dot without digits */
        "2025-01-01T00:00:00,5Z",    /* comma as decimal mark */
        "2025-01-01T00:00:00+0200",  /* offset without colon */
        "2025-01-01T00:00:00+02",    /* offset without minutes */
        "2025-01-01T00:00:00+24:00", /* offset hour 24 */
        "2025-01-01T00:00:00+02:60", /* offset minute 60 */
        "2025-01-01T00:00:00ZZ",     /* trailing garbage */
        "2025-01-01T00:00:00Z ",
        " 2025-01-01T00:00:00Z",
        "25-01-01T00:00:00Z", /* two-digit year */
        "+2025-01-01T00:00:00Z",
        "2025-1-01T00:00:00Z",
        "2025/01/01T00:00:00Z",
        "2025-01-01T0a:00:00Z",
        "abc",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ms = 7;
        cr_expect_not(parse_exact(cases[i], &ms), "case %zu (%s) accepted", i, cases[i]);
    }
}

Test(timefmt, parse_respects_the_length_and_accepts_null_result, .timeout = 5)
{
    const char *text = "2025-01-01T00:00:00Zgarbage";
    int64_t ms = 0;
    cr_expect(cf_time_parse_rfc3339(text, 20, &ms));
    cr_expect_eq(ms, 1735689600000);
    cr_expect_not(cf_time_parse_rfc3339(text, strlen(text), &ms));
    cr_expect_not(cf_time_parse_rfc3339(text, 19, &ms)); /* zone cut off */
    cr_expect(cf_time_parse_rfc3339(text, 20, NULL));
    cr_expect_not(cf_time_parse_rfc3339(NULL, 0, &ms));
}

Test(timefmt, every_prefix_of_a_valid_timestamp_is_rejected_without_over_reading, .timeout = 5)
{
    const char *full = "2025-06-30T12:34:56.789+05:30";
    for (size_t len = 0; len < strlen(full); len++) {
        char *copy = malloc(len ? len : 1);
        cr_assert_not_null(copy);
        memcpy(copy, full, len);
        int64_t ms;
        int ok = cf_time_parse_rfc3339(copy, len, &ms);
        free(copy);
        /* Only the prefixes ending in a fractional digit miss a zone, so none is valid. */
        cr_expect_not(ok, "prefix of length %zu accepted", len);
    }
    int64_t ms = 0;
    cr_expect(parse_exact(full, &ms));
}

Test(timefmt, iso_millis_requires_three_digits_and_upper_case_z, .timeout = 5)
{
    static const struct {
        const char *text;
        int ok;
    } cases[] = {
        {"2019-11-08T02:41:28.172Z", 1},      {"2024-02-29T23:59:59.999Z", 1},
        {"2019-11-08T02:41:28Z", 0},          {"2019-11-08T02:41:28.1Z", 0},
        {"2019-11-08T02:41:28.17Z", 0},       {"2019-11-08T02:41:28.1720Z", 0},
        {"2019-11-08T02:41:28.172+00:00", 0}, {"2019-11-08T02:41:28.172z", 0},
        {"2019-11-08t02:41:28.172Z", 0},      {"2019-11-08T02:41:28.17aZ", 0},
        {"2023-02-29T02:41:28.172Z", 0}, /* right shape, no such day */
        {"2019-11-08T25:41:28.172Z", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *t = cases[i].text;
        cr_expect_eq(cf_time_is_iso_millis(t, strlen(t)), cases[i].ok, "case %zu (%s)", i, t);
    }
}

Test(timefmt, format_writes_the_aws_millisecond_form, .timeout = 5)
{
    static const struct {
        int64_t ms;
        const char *text;
    } cases[] = {
        {0, "1970-01-01T00:00:00.000Z"},
        {1573180888172, "2019-11-08T02:41:28.172Z"},
        {-1, "1969-12-31T23:59:59.999Z"},
        {951825600000, "2000-02-29T12:00:00.000Z"},
        {1709251199999, "2024-02-29T23:59:59.999Z"},
        {1735689599999, "2024-12-31T23:59:59.999Z"},
        {-62167219200000, "0000-01-01T00:00:00.000Z"},
        {253402300799999, "9999-12-31T23:59:59.999Z"},
        {INT64_MAX, "9999-12-31T23:59:59.999Z"}, /* clamped */
        {INT64_MIN, "0000-01-01T00:00:00.000Z"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[25];
        memset(out, 'X', sizeof(out));
        cf_time_format_millis(cases[i].ms, out);
        cr_expect_str_eq(out, cases[i].text, "case %zu", i);
    }
}

Test(timefmt, format_and_parse_round_trip_across_many_days, .timeout = 5)
{
    /* Every 3 days and 7 ms from 1899 to 2101: covers each month, leap years and 1900/2000. */
    int64_t start = -2240524800000; /* 1899-01-01 */
    int64_t step = 3 * 86400000LL + 7;
    for (int64_t ms = start; ms < 4133980800000; ms += step) {
        char out[25];
        cf_time_format_millis(ms, out);
        int64_t back = 0;
        cr_assert(cf_time_parse_rfc3339(out, 24, &back), "%s not parsed", out);
        cr_assert_eq(back, ms, "%s: %lld != %lld", out, (long long)back, (long long)ms);
        cr_assert(cf_time_is_iso_millis(out, 24), "%s not in millisecond form", out);
    }
}

Test(timefmt, clocks_are_sane, .timeout = 5)
{
    int64_t now = cf_time_now_ms();
    cr_expect_gt(now, 1704067200000); /* after 2024-01-01 */
    cr_expect_lt(now, 4102444800000); /* before 2100-01-01 */
    double a = cf_time_mono_ms();
    double b = cf_time_mono_ms();
    cr_expect_geq(b, a);
    cr_expect_gt(a, 0.0);
}
