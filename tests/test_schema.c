/* test_schema.c - the JSON Schema subset validator, the schema linter and UTF-8 lengths. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/limits.h"
#include "base/utf8.h"
#include "contract/schema.h"

/* One validation case: NULL path means the instance is valid; otherwise exactly one
 * diagnostic with that path whose message contains `message`. */
typedef struct {
    const char *schema;
    const char *instance;
    const char *path;
    const char *message;
} vcase;

/* One lint case: NULL path means no finding; otherwise exactly one, at that path. */
typedef struct {
    const char *schema;
    const char *path;
    const char *message;
} lcase;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static cJSON *parse(const char *text)
{
    cJSON *v = cJSON_Parse(text);
    cr_assert_not_null(v, "test JSON does not parse: %s", text);
    return v;
}

/* Checks that `d` holds exactly one finding at `path` containing `message`. */
static void expect_one(const cf_diags *d, size_t n, const char *what, size_t i, const char *path,
                       const char *message)
{
    cr_expect_eq(n, 1, "%s case %zu: %zu findings, want 1 (first: %s: %s)", what, i, n,
                 d->count ? d->items[0].path : "-", d->count ? d->items[0].message : "-");
    cr_expect_eq(d->count, n, "%s case %zu: count and stored differ", what, i);
    if (d->count < 1)
        return;
    cr_expect_str_eq(d->items[0].path, path, "%s case %zu: path", what, i);
    cr_expect_not_null(strstr(d->items[0].message, message),
                       "%s case %zu: message \"%s\" lacks \"%s\"", what, i, d->items[0].message,
                       message);
}

static void run_vcases(const char *what, const vcase *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        cJSON *schema = parse(cases[i].schema);
        cJSON *instance = parse(cases[i].instance);
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_validate(schema, instance, "", &d);
        if (!cases[i].path)
            cr_expect_eq(n, 0, "%s case %zu (%s against %s): unexpected \"%s\" at \"%s\"", what, i,
                         cases[i].instance, cases[i].schema, d.count ? d.items[0].message : "",
                         d.count ? d.items[0].path : "");
        else
            expect_one(&d, n, what, i, cases[i].path, cases[i].message);
        cf_diags_cleanup(&d);
        cJSON_Delete(schema);
        cJSON_Delete(instance);
    }
}

static void run_lcases(const char *what, const lcase *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        cJSON *schema = parse(cases[i].schema);
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_lint(schema, "spec.json", "", &d);
        if (!cases[i].path) {
            cr_expect_eq(n, 0, "%s case %zu (%s): unexpected \"%s\" at \"%s\"", what, i,
                         cases[i].schema, d.count ? d.items[0].message : "",
                         d.count ? d.items[0].path : "");
        } else {
            expect_one(&d, n, what, i, cases[i].path, cases[i].message);
            if (d.count)
                cr_expect_str_eq(d.items[0].file, "spec.json");
        }
        cf_diags_cleanup(&d);
        cJSON_Delete(schema);
    }
}

/* A string of `n` copies of `unit`. */
static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    cr_assert_not_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = '\0';
    return s;
}

/* Validates a string instance built in memory; returns the count, fills d. */
static size_t validate_string(const char *schema_text, const char *value, cf_diags *d)
{
    cJSON *schema = parse(schema_text);
    cJSON *instance = cJSON_CreateString(value);
    cr_assert_not_null(instance);
    size_t n = cf_schema_validate(schema, instance, "", d);
    cJSON_Delete(instance);
    cJSON_Delete(schema);
    return n;
}

/* ---- validation: one keyword at a time --------------------------------------------------- */

Test(schema, type_accepts_matching_and_reports_mismatching_values, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"type\":\"string\"}", "\"x\"", NULL, NULL},
        {"{\"type\":\"string\"}", "1", "", "expected type string, got integer"},
        {"{\"type\":\"integer\"}", "3", NULL, NULL},
        {"{\"type\":\"integer\"}", "3.0", NULL, NULL},
        {"{\"type\":\"integer\"}", "-0", NULL, NULL},
        {"{\"type\":\"integer\"}", "1e300", NULL, NULL},
        {"{\"type\":\"integer\"}", "9007199254740993", NULL, NULL},
        {"{\"type\":\"integer\"}", "3.5", "", "expected type integer, got number"},
        {"{\"type\":\"integer\"}", "\"3\"", "", "expected type integer, got string"},
        {"{\"type\":\"number\"}", "3", NULL, NULL},
        {"{\"type\":\"number\"}", "3.25", NULL, NULL},
        {"{\"type\":\"number\"}", "null", "", "expected type number, got null"},
        {"{\"type\":\"boolean\"}", "false", NULL, NULL},
        {"{\"type\":\"boolean\"}", "0", "", "expected type boolean, got integer"},
        {"{\"type\":\"null\"}", "null", NULL, NULL},
        {"{\"type\":\"null\"}", "\"\"", "", "expected type null, got string"},
        {"{\"type\":\"object\"}", "{}", NULL, NULL},
        {"{\"type\":\"object\"}", "[]", "", "expected type object, got array"},
        {"{\"type\":\"array\"}", "[]", NULL, NULL},
        {"{\"type\":\"array\"}", "{}", "", "expected type array, got object"},
        {"{\"type\":[\"string\",\"null\"]}", "null", NULL, NULL},
        {"{\"type\":[\"string\",\"null\"]}", "\"s\"", NULL, NULL},
        {"{\"type\":[\"string\",\"null\"]}", "true", "",
         "expected type string or null, got boolean"},
        {"{}", "[1,{\"a\":null}]", NULL, NULL},
    };
    run_vcases("type", cases, COUNT(cases));
}

Test(schema, infinite_and_nan_numbers_are_not_integers, .timeout = 5)
{
    static const double values[] = {INFINITY, -INFINITY, NAN};
    cJSON *schema = parse("{\"type\":\"integer\"}");
    for (size_t i = 0; i < COUNT(values); i++) {
        cJSON *instance = cJSON_CreateNumber(values[i]);
        cr_assert_not_null(instance);
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_validate(schema, instance, "", &d);
        expect_one(&d, n, "non-finite", i, "", "expected type integer, got number");
        cf_diags_cleanup(&d);
        cJSON_Delete(instance);
    }
    cJSON_Delete(schema);
}

Test(schema, nan_fails_minimum_and_maximum, .timeout = 5)
{
    cJSON *schema = parse("{\"minimum\":0,\"maximum\":10}");
    cJSON *instance = cJSON_CreateNumber(NAN);
    cr_assert_not_null(instance);
    cf_diags d;
    cf_diags_init(&d);
    cr_expect_eq(cf_schema_validate(schema, instance, "", &d), 2);
    cr_assert_eq(d.count, 2);
    cr_expect_not_null(strstr(d.items[0].message, "value NaN is below minimum 0"));
    cr_expect_not_null(strstr(d.items[1].message, "value NaN exceeds maximum 10"));
    cf_diags_cleanup(&d);
    cJSON_Delete(instance);
    cJSON_Delete(schema);
}

Test(schema, required_reports_each_missing_member_at_the_object, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"required\":[\"ClientToken\"]}", "{\"ClientToken\":\"t\"}", NULL, NULL},
        {"{\"required\":[\"ClientToken\"]}", "{\"clienttoken\":\"t\"}", "",
         "missing required member \"ClientToken\""},
        {"{\"required\":[\"a\"]}", "{\"a\":null}", NULL, NULL},
        {"{\"required\":[]}", "{}", NULL, NULL},
        {"{\"required\":[\"a\"]}", "[]", NULL, NULL}, /* applies to objects only */
        {"{\"properties\":{\"o\":{\"required\":[\"id\"]}}}", "{\"o\":{}}", "/o",
         "missing required member \"id\""},
    };
    run_vcases("required", cases, COUNT(cases));
}

Test(schema, properties_validate_members_at_their_paths, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"properties\":{\"a\":{\"type\":\"string\"}}}", "{\"a\":\"x\"}", NULL, NULL},
        {"{\"properties\":{\"a\":{\"type\":\"string\"}}}", "{\"a\":1}", "/a",
         "expected type string, got integer"},
        {"{\"properties\":{\"a\":{\"type\":\"string\"}}}", "{}", NULL, NULL},
        {"{\"properties\":{\"a\":{\"type\":\"string\"}}}", "{\"b\":1}", NULL, NULL},
        {"{\"properties\":{\"a\":{\"properties\":{\"b\":{\"properties\":{\"c\":{\"type\":"
         "\"null\"}}}}}}}",
         "{\"a\":{\"b\":{\"c\":0}}}", "/a/b/c", "expected type null, got integer"},
        {"{\"properties\":{\"a/b\":{\"type\":\"string\"},\"m~n\":{\"type\":\"string\"}}}",
         "{\"a/b\":\"ok\",\"m~n\":false}", "/m~0n", "expected type string, got boolean"},
        {"{\"properties\":{\"a/b\":{\"type\":\"string\"}}}", "{\"a/b\":1}", "/a~1b",
         "expected type string"},
        {"{\"properties\":{\"a\":false}}", "{\"a\":1}", "/a", "no value is allowed"},
        {"{\"properties\":{\"a\":true}}", "{\"a\":1}", NULL, NULL},
    };
    run_vcases("properties", cases, COUNT(cases));
}

Test(schema, additional_properties_false_rejects_unknown_members, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"properties\":{\"a\":{}},\"additionalProperties\":false}", "{\"a\":1}", NULL, NULL},
        {"{\"properties\":{\"a\":{}},\"additionalProperties\":false}", "{\"a\":1,\"x\":2}", "/x",
         "unexpected member \"x\" (additionalProperties is false)"},
        {"{\"additionalProperties\":false}", "{\"A\":1}", "/A", "unexpected member \"A\""},
        {"{\"additionalProperties\":true}", "{\"x\":1}", NULL, NULL},
        {"{\"properties\":{\"a\":{}},\"additionalProperties\":{\"type\":\"integer\"}}",
         "{\"a\":\"s\",\"x\":2}", NULL, NULL},
        {"{\"properties\":{\"a\":{}},\"additionalProperties\":{\"type\":\"integer\"}}",
         "{\"a\":\"s\",\"x\":\"y\"}", "/x", "expected type integer, got string"},
    };
    run_vcases("additionalProperties", cases, COUNT(cases));
}

Test(schema, items_validate_each_element_at_its_index, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"items\":{\"type\":\"string\"}}", "[\"a\",\"b\"]", NULL, NULL},
        {"{\"items\":{\"type\":\"string\"}}", "[]", NULL, NULL},
        {"{\"items\":{\"type\":\"string\"}}", "[\"a\",2]", "/1",
         "expected type string, got integer"},
        {"{\"properties\":{\"list\":{\"items\":{\"properties\":{\"n\":{\"minimum\":1}}}}}}",
         "{\"list\":[{\"n\":1},{\"n\":0}]}", "/list/1/n", "value 0 is below minimum 1"},
        {"{\"items\":{\"items\":{\"type\":\"null\"}}}", "[[null],[null,null,1]]", "/1/2",
         "expected type null"},
    };
    run_vcases("items", cases, COUNT(cases));
}

Test(schema, min_and_max_length_count_code_points_at_the_boundaries, .timeout = 5)
{
    static const struct {
        const char *unit; /* repeated `n` times */
        size_t n;
        const char *message; /* NULL: valid against minLength 1, maxLength 256 */
    } cases[] = {
        {"a", 256, NULL},
        {"a", 257, "length 257 exceeds maxLength 256"},
        {"a", 1, NULL},
        {"a", 0, "length 0 is below minLength 1"},
        {"\xC3\xA9", 256, NULL}, /* é: 2 bytes, 512 bytes in all */
        {"\xC3\xA9", 257, "length 257 exceeds maxLength 256"},
        {"\xE2\x82\xAC", 256, NULL}, /* €: 3 bytes */
        {"\xE2\x82\xAC", 257, "length 257 exceeds maxLength 256"},
        {"\xF0\x9F\x98\x80", 256, NULL}, /* U+1F600: 4 bytes */
        {"\xF0\x9F\x98\x80", 257, "length 257 exceeds maxLength 256"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char *value = repeat(cases[i].unit, cases[i].n);
        cf_diags d;
        cf_diags_init(&d);
        size_t n =
            validate_string("{\"type\":\"string\",\"minLength\":1,\"maxLength\":256}", value, &d);
        if (cases[i].message)
            expect_one(&d, n, "length", i, "", cases[i].message);
        else
            cr_expect_eq(n, 0, "length case %zu: %s", i, d.count ? d.items[0].message : "");
        cf_diags_cleanup(&d);
        free(value);
    }
}

Test(schema, max_length_at_twenty_mebibytes, .timeout = 5)
{
    static const struct {
        size_t n;
        size_t want;
    } cases[] = {{20971520, 0}, {20971521, 1}};
    for (size_t i = 0; i < COUNT(cases); i++) {
        char *value = malloc(cases[i].n + 1);
        cr_assert_not_null(value);
        memset(value, 'x', cases[i].n);
        value[cases[i].n] = '\0';
        cf_diags d;
        cf_diags_init(&d);
        size_t n = validate_string("{\"maxLength\":20971520}", value, &d);
        cr_expect_eq(n, cases[i].want, "case %zu", i);
        if (cases[i].want)
            expect_one(&d, n, "20MiB", i, "", "length 20971521 exceeds maxLength 20971520");
        cf_diags_cleanup(&d);
        free(value);
    }
}

Test(schema, invalid_utf8_fails_a_length_check, .timeout = 5)
{
    static const char *const values[] = {"\xFF", "ab\xC3", "\xC0\x80", "\xED\xA0\x80x"};
    for (size_t i = 0; i < COUNT(values); i++) {
        cf_diags d;
        cf_diags_init(&d);
        size_t n = validate_string("{\"maxLength\":10}", values[i], &d);
        expect_one(&d, n, "utf8", i, "", "not valid UTF-8");
        cf_diags_cleanup(&d);
        /* Without a length keyword the bytes are not looked at. */
        cf_diags_init(&d);
        cr_expect_eq(validate_string("{\"type\":\"string\"}", values[i], &d), 0);
        cf_diags_cleanup(&d);
    }
}

Test(schema, minimum_and_maximum_are_inclusive_bounds, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"minimum\":1}", "1", NULL, NULL},
        {"{\"minimum\":1}", "0", "", "value 0 is below minimum 1"},
        {"{\"minimum\":1}", "0.5", "", "value 0.5 is below minimum 1"},
        {"{\"minimum\":1}", "0.99999999999999989", "", "is below minimum 1"},
        {"{\"minimum\":-5}", "-5", NULL, NULL},
        {"{\"minimum\":-5}", "-6", "", "value -6 is below minimum -5"},
        {"{\"maximum\":20971520}", "20971520", NULL, NULL},
        {"{\"maximum\":20971520}", "20971521", "", "value 20971521 exceeds maximum 20971520"},
        {"{\"maximum\":1.5}", "1.5", NULL, NULL},
        {"{\"maximum\":1.5}", "1.75", "", "value 1.75 exceeds maximum 1.5"},
        {"{\"minimum\":1,\"maximum\":20971520}", "\"0\"", NULL, NULL}, /* numbers only */
        {"{\"type\":\"integer\",\"minimum\":1,\"maximum\":20971520}", "20971520", NULL, NULL},
    };
    run_vcases("range", cases, COUNT(cases));
}

Test(schema, enum_requires_one_of_the_listed_values, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"enum\":[\"a\",\"b\"]}", "\"b\"", NULL, NULL},
        {"{\"enum\":[\"a\",\"b\"]}", "\"foo\"", "", "\"foo\" is not one of the allowed values"},
        {"{\"enum\":[\"a\",\"b\"]}", "\"A\"", "", "\"A\" is not one of the allowed values"},
        {"{\"enum\":[\"a\",\"b\"]}", "\"foo\"", "", "allowed values: \"a\", \"b\""},
        {"{\"enum\":[1,null,true]}", "null", NULL, NULL},
        {"{\"enum\":[1,null,true]}", "1", NULL, NULL},
        {"{\"enum\":[1,null,true]}", "2", "", "2 is not one of the allowed values"},
        {"{\"enum\":[1,null,true]}", "\"1\"", "", "\"1\" is not one of"},
        {"{\"enum\":[{\"k\":[1]}]}", "{\"k\":[1]}", NULL, NULL},
        {"{\"enum\":[{\"k\":[1]}]}", "{\"k\":[2]}", "", "{...} is not one of"},
        {"{\"properties\":{\"s\":{\"enum\":[\"x\"]}}}", "{\"s\":\"y\"}", "/s",
         "\"y\" is not one of the allowed values"},
    };
    run_vcases("enum", cases, COUNT(cases));
}

Test(schema, date_time_format_and_x_millis, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"format\":\"date-time\"}", "\"2025-01-01T00:00:00Z\"", NULL, NULL},
        {"{\"format\":\"date-time\"}", "\"2024-02-29T10:00:00.5+01:00\"", NULL, NULL},
        {"{\"format\":\"date-time\"}", "\"abc\"", "", "\"abc\" is not an RFC 3339 date-time"},
        {"{\"format\":\"date-time\"}", "\"2023-02-29T00:00:00Z\"", "", "is not an RFC 3339"},
        {"{\"format\":\"date-time\"}", "\"2025-13-01T00:00:00Z\"", "", "is not an RFC 3339"},
        {"{\"format\":\"date-time\"}", "\"2025-01-01T24:00:00Z\"", "", "is not an RFC 3339"},
        {"{\"format\":\"date-time\"}", "\"2025-01-01T00:00:00\"", "", "is not an RFC 3339"},
        {"{\"format\":\"date-time\"}", "5", NULL, NULL}, /* strings only */
        {"{\"format\":\"date-time\",\"x-millis\":true}", "\"2019-11-08T02:41:28.172Z\"", NULL,
         NULL},
        {"{\"format\":\"date-time\",\"x-millis\":true}", "\"2019-11-08T02:41:28Z\"", "",
         "\"2019-11-08T02:41:28Z\" is not in the millisecond form yyyy-MM-ddThh:mm:ss.SSSZ"},
        {"{\"format\":\"date-time\",\"x-millis\":true}", "\"2019-11-08T02:41:28.172+00:00\"", "",
         "millisecond form"},
        {"{\"format\":\"date-time\",\"x-millis\":true}", "\"nope\"", "",
         "is not an RFC 3339 date-time"},
        {"{\"format\":\"date-time\",\"x-millis\":false}", "\"2019-11-08T02:41:28Z\"", NULL, NULL},
    };
    run_vcases("date-time", cases, COUNT(cases));
}

Test(schema, uri_format_and_x_https, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"format\":\"uri\"}", "\"https://example.com/a?b=c#d\"", NULL, NULL},
        {"{\"format\":\"uri\"}", "\"urn:isbn:0451450523\"", NULL, NULL},
        {"{\"format\":\"uri\"}", "\"a+b-c.d:x\"", NULL, NULL},
        {"{\"format\":\"uri\"}", "\"example.com/path\"", "",
         "\"example.com/path\" is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"/relative\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"1http://x\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"mailto:\"", NULL, NULL}, /* RFC 3986: an empty path is legal */
        {"{\"format\":\"uri\"}", "\"http://example.com/%6G\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"http://example.com:abc/path\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"https://[@example.org/test.txt\"", "",
         "is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"http:/[::1]\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"http://x/a|b\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"http://exa mple.com\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"http://x.com/\\u0001\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"http://x.com/\\u007f\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\"}", "\"\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"https://bucket.s3.amazonaws.com/k?X=1\"", NULL,
         NULL},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"HTTPS://Example.com\"", NULL, NULL},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"https://user@host:443/p\"", NULL, NULL},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"https://[::1]/\"", NULL, NULL},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"http://example.com\"", "",
         "\"http://example.com\" is not an https URI"},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"ftp://example.com\"", "",
         "is not an https URI"},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"https:///path\"", "",
         "has no host after \"https://\""},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"https:example.com\"", "", "has no host"},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"https://user@:443/\"", "", "has no host"},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"https://[]/\"", "", "is not an absolute URI"},
        {"{\"format\":\"uri\",\"x-https\":true}", "\"https:\"", "", "has no host"},
        {"{\"format\":\"uri\",\"x-https\":false}", "\"http://example.com\"", NULL, NULL},
    };
    run_vcases("uri", cases, COUNT(cases));
}

/* ---- validation: combinations, paths, limits --------------------------------------------- */

Test(schema, reports_every_violation_of_one_instance_together, .timeout = 5)
{
    cJSON *schema =
        parse("{\"type\":\"object\",\"required\":[\"ClientToken\",\"AttachmentName\"],"
              "\"additionalProperties\":false,\"properties\":{"
              "\"AttachmentName\":{\"type\":\"string\",\"maxLength\":3},"
              "\"AttachmentSizeInBytes\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":20971520},"
              "\"ContentType\":{\"enum\":[\"text/plain\"]},"
              "\"Tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}");
    cJSON *instance = parse("{\"AttachmentName\":\"abcd\",\"AttachmentSizeInBytes\":0,"
                            "\"ContentType\":\"image/png\",\"Tags\":[\"ok\",7],\"Extra\":true}");
    static const struct {
        const char *path;
        const char *message;
    } want[] = {
        {"/body", "missing required member \"ClientToken\""},
        {"/body/AttachmentName", "length 4 exceeds maxLength 3"},
        {"/body/AttachmentSizeInBytes", "value 0 is below minimum 1"},
        {"/body/ContentType", "\"image/png\" is not one of the allowed values"},
        {"/body/Tags/1", "expected type string, got integer"},
        {"/body/Extra", "unexpected member \"Extra\""},
    };
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_schema_validate(schema, instance, "/body", &d);
    cr_expect_eq(n, COUNT(want));
    cr_assert_eq(d.count, COUNT(want));
    for (size_t i = 0; i < COUNT(want); i++) {
        cr_expect_str_eq(d.items[i].path, want[i].path, "finding %zu", i);
        cr_expect_not_null(strstr(d.items[i].message, want[i].message),
                           "finding %zu: \"%s\" lacks \"%s\"", i, d.items[i].message,
                           want[i].message);
        cr_expect_null(d.items[i].file);
    }
    cf_diags_cleanup(&d);
    cJSON_Delete(instance);
    cJSON_Delete(schema);
}

Test(schema, a_type_mismatch_is_not_repeated_by_other_keywords, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"type\":\"string\",\"enum\":[\"a\"],\"maxLength\":1}", "5", "",
         "expected type string, got integer"},
        {"{\"type\":\"object\",\"required\":[\"a\"]}", "[]", "", "expected type object, got array"},
    };
    run_vcases("type-first", cases, COUNT(cases));
}

Test(schema, malformed_keywords_are_reported_as_violations, .timeout = 5)
{
    static const vcase cases[] = {
        {"{\"type\":\"strin\"}", "\"x\"", "", "malformed schema: \"type\""},
        {"{\"type\":[]}", "\"x\"", "", "malformed schema: \"type\""},
        {"{\"type\":7}", "\"x\"", "", "malformed schema: \"type\""},
        {"{\"maxLength\":\"3\"}", "\"x\"", "", "\"maxLength\" must be a non-negative integer"},
        {"{\"minLength\":-1}", "\"x\"", "", "\"minLength\" must be a non-negative integer"},
        {"{\"minLength\":1.5}", "\"x\"", "", "\"minLength\" must be a non-negative integer"},
        {"{\"minimum\":\"1\"}", "1", "", "\"minimum\" must be a number"},
        {"{\"maximum\":null}", "1", "", "\"maximum\" must be a number"},
        {"{\"enum\":\"a\"}", "\"a\"", "", "\"enum\" must be an array"},
        {"{\"required\":\"a\"}", "{}", "", "\"required\" must be an array of strings"},
        {"{\"required\":[1]}", "{}", "", "\"required\" must be an array of strings"},
        {"{\"properties\":[]}", "{}", "", "\"properties\" must be an object"},
        {"{\"additionalProperties\":1}", "{}", "", "\"additionalProperties\" must be"},
        {"{\"items\":[{}]}", "[1]", "", "tuple form"},
        {"{\"items\":1}", "[1]", "", "\"items\" must be a schema"},
        {"{\"format\":1}", "\"a\"", "", "\"format\" must be a string"},
        {"{\"format\":\"uri\",\"x-https\":\"yes\"}", "\"https://h\"", "",
         "\"x-https\" must be a boolean"},
        {"{\"properties\":{\"a\":1}}", "{\"a\":1}", "/a", "a schema must be an object"},
        {"{\"title\":\"t\",\"description\":\"d\",\"$comment\":1}", "1", NULL, NULL},
    };
    run_vcases("malformed", cases, COUNT(cases));
}

Test(schema, base_prefixes_every_path_and_keys_are_escaped, .timeout = 5)
{
    cJSON *schema = parse("{\"properties\":{\"a/b\":{\"properties\":{\"c~d\":{\"items\":"
                          "{\"type\":\"integer\"}}}}}}");
    cJSON *instance = parse("{\"a/b\":{\"c~d\":[1,2,\"x\"]}}");
    cf_diags d;
    cf_diags_init(&d);
    cr_expect_eq(cf_schema_validate(schema, instance, "/cases/3/request/body", &d), 1);
    cr_assert_eq(d.count, 1);
    cr_expect_str_eq(d.items[0].path, "/cases/3/request/body/a~1b/c~0d/2");
    cf_diags_cleanup(&d);
    cf_diags_init(&d);
    cr_expect_eq(cf_schema_validate(schema, instance, NULL, &d), 1);
    cr_assert_eq(d.count, 1);
    cr_expect_str_eq(d.items[0].path, "/a~1b/c~0d/2");
    cf_diags_cleanup(&d);
    cJSON_Delete(instance);
    cJSON_Delete(schema);
}

Test(schema, long_and_odd_values_are_quoted_safely_in_messages, .timeout = 5)
{
    char *value = repeat("q\"\n", 100);
    cf_diags d;
    cf_diags_init(&d);
    size_t n = validate_string("{\"enum\":[\"a\"]}", value, &d);
    cr_assert_eq(n, 1);
    const char *m = d.items[0].message;
    cr_expect_not_null(strstr(m, "\"q\\\"\\nq\\\""), "escapes missing: %s", m);
    cr_expect_not_null(strstr(m, "...\" is not one of the allowed values"), "no cut: %s", m);
    cr_expect_lt(strlen(m), 600);
    cr_expect_null(strchr(m, '\n'));
    cf_diags_cleanup(&d);
    free(value);

    /* Invalid UTF-8 is shown escaped so messages stay valid UTF-8. */
    cf_diags_init(&d);
    n = validate_string("{\"enum\":[\"a\"]}", "x\xFFy", &d);
    cr_assert_eq(n, 1);
    cr_expect_not_null(strstr(d.items[0].message, "\"x\\xFFy\""), "%s", d.items[0].message);
    cr_expect_neq(cf_utf8_length(d.items[0].message, strlen(d.items[0].message)), (size_t)-1);
    cf_diags_cleanup(&d);
}

/* Builds `levels` arrays nested in each other around a null, and a schema of as many "items". */
static void build_nested(int levels, cJSON **schema, cJSON **instance)
{
    cJSON *s = cJSON_CreateObject();
    cJSON *v = cJSON_CreateNull();
    cr_assert(s && v);
    for (int i = 0; i < levels; i++) {
        cJSON *outer_s = cJSON_CreateObject();
        cJSON *outer_v = cJSON_CreateArray();
        cr_assert(outer_s && outer_v);
        cr_assert(cJSON_AddItemToObject(outer_s, "items", s));
        cr_assert(cJSON_AddItemToArray(outer_v, v));
        s = outer_s;
        v = outer_v;
    }
    *schema = s;
    *instance = v;
}

Test(schema, validation_stops_at_the_depth_limit, .timeout = 5)
{
    cJSON *schema;
    cJSON *instance;
    cf_diags d;

    build_nested(CF_MAX_JSON_DEPTH, &schema, &instance);
    cf_diags_init(&d);
    cr_expect_eq(cf_schema_validate(schema, instance, "", &d), 0);
    cf_diags_cleanup(&d);
    cJSON_Delete(schema);
    cJSON_Delete(instance);

    build_nested(CF_MAX_JSON_DEPTH + 50, &schema, &instance);
    cf_diags_init(&d);
    size_t n = cf_schema_validate(schema, instance, "", &d);
    expect_one(&d, n, "depth", 0, d.count ? d.items[0].path : "", "nesting deeper than");
    cr_expect_eq(strlen(d.count ? d.items[0].path : ""), (size_t)(CF_MAX_JSON_DEPTH + 1) * 2);
    cf_diags_cleanup(&d);
    cJSON_Delete(schema);
    cJSON_Delete(instance);
}

Test(schema, missing_instance_null_schema_and_null_output, .timeout = 5)
{
    cJSON *schema = parse("{\"type\":\"string\"}");
    cJSON *instance = parse("1");
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_schema_validate(schema, NULL, "/body", &d);
    expect_one(&d, n, "null-instance", 0, "/body", "no value");
    cf_diags_cleanup(&d);
    cr_expect_eq(cf_schema_validate(NULL, instance, "", NULL), 0);
    cr_expect_eq(cf_schema_validate(schema, instance, "", NULL), 1); /* counts only */
    cJSON_Delete(instance);
    cJSON_Delete(schema);
}

Test(schema, counts_violations_beyond_the_stored_maximum, .timeout = 5)
{
    cJSON *schema = parse("{\"items\":{\"type\":\"string\"}}");
    cJSON *instance = cJSON_CreateArray();
    cr_assert_not_null(instance);
    size_t total = CF_MAX_DIAGS + 25;
    for (size_t i = 0; i < total; i++)
        cr_assert(cJSON_AddItemToArray(instance, cJSON_CreateNumber((double)i)));
    cf_diags d;
    cf_diags_init(&d);
    cr_expect_eq(cf_schema_validate(schema, instance, "", &d), total);
    cr_expect_eq(d.count, CF_MAX_DIAGS);
    cr_expect_eq(cf_diags_total(&d), total);
    cf_diags_cleanup(&d);
    cJSON_Delete(instance);
    cJSON_Delete(schema);
}

/* ---- UTF-8 ------------------------------------------------------------------------------- */

Test(schema, utf8_length_counts_code_points_and_rejects_invalid_sequences, .timeout = 5)
{
    static const struct {
        const char *s;
        size_t len;
        size_t want;
    } cases[] = {
        {"", 0, 0},
        {"abc", 3, 3},
        {"\xC3\xA9", 2, 1},
        {"\xE2\x82\xAC", 3, 1},
        {"\xF0\x9F\x98\x80", 4, 1},
        {"a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z", 11, 5},
        {"\xF4\x8F\xBF\xBF", 4, 1},          /* U+10FFFF */
        {"\xEF\xBF\xBF", 3, 1},              /* U+FFFF */
        {"a\0b", 3, 3},                      /* NUL is a code point */
        {"\xC3", 1, (size_t)-1},             /* truncated */
        {"\xE2\x82", 2, (size_t)-1},         /* truncated */
        {"\x80", 1, (size_t)-1},             /* stray continuation */
        {"\xC0\x80", 2, (size_t)-1},         /* overlong NUL */
        {"\xC1\xBF", 2, (size_t)-1},         /* overlong */
        {"\xE0\x80\x80", 3, (size_t)-1},     /* overlong */
        {"\xF0\x80\x80\x80", 4, (size_t)-1}, /* overlong */
        {"\xED\xA0\x80", 3, (size_t)-1},     /* surrogate U+D800 */
        {"\xF4\x90\x80\x80", 4, (size_t)-1}, /* past U+10FFFF */
        {"\xF5\x80\x80\x80", 4, (size_t)-1},
        {"\xFF", 1, (size_t)-1},
        {"\xC3\x28", 2, (size_t)-1}, /* bad continuation */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        /* Exact-size copy so a read past `len` is caught. */
        char *copy = malloc(cases[i].len ? cases[i].len : 1);
        cr_assert_not_null(copy);
        memcpy(copy, cases[i].s, cases[i].len);
        size_t got = cf_utf8_length(copy, cases[i].len);
        cr_expect_eq(got, cases[i].want, "case %zu: %zu, want %zu", i, got, cases[i].want);
        free(copy);
    }
}

/* ---- lint -------------------------------------------------------------------------------- */

Test(schema, lint_accepts_a_well_formed_schema, .timeout = 5)
{
    static const lcase cases[] = {
        {"{\"type\":\"object\",\"title\":\"Request\",\"description\":\"d\","
         "\"required\":[\"ClientToken\",\"AttachmentName\"],\"additionalProperties\":false,"
         "\"properties\":{"
         "\"ClientToken\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":500},"
         "\"AttachmentName\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":256},"
         "\"AttachmentSizeInBytes\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":20971520},"
         "\"ContentType\":{\"type\":\"string\",\"enum\":[\"text/plain\",\"image/png\"]},"
         "\"Url\":{\"type\":\"string\",\"format\":\"uri\",\"x-https\":true},"
         "\"At\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\",\"x-millis\":true},"
         "\"Tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
         "\"Meta\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}}}",
         NULL, NULL},
        {"{}", NULL, NULL},
        {"{\"minLength\":3,\"maxLength\":3,\"minimum\":2,\"maximum\":2}", NULL, NULL},
        {"{\"enum\":[1,\"a\",null]}", NULL, NULL},
        {"{\"type\":\"number\",\"enum\":[1,2.5]}", NULL, NULL},
    };
    run_lcases("lint-ok", cases, COUNT(cases));
}

Test(schema, lint_reports_each_misuse_at_its_path, .timeout = 5)
{
    static const lcase cases[] = {
        {"[]", "", "a schema must be an object, got array"},
        {"{\"type\":\"strin\"}", "/type", "unknown type \"strin\""},
        {"{\"type\":\"int\"}", "/type", "unknown type \"int\""},
        {"{\"type\":[\"string\",1]}", "/type/1", "type names must be strings"},
        {"{\"type\":[\"string\",\"float\"]}", "/type/1", "unknown type \"float\""},
        {"{\"type\":[\"string\",\"string\"]}", "/type/1", "duplicate type \"string\""},
        {"{\"type\":[]}", "/type", "must not be an empty array"},
        {"{\"type\":{}}", "/type", "must be a type name or an array"},
        {"{\"maxLength\":-1}", "/maxLength",
         "\"maxLength\" must be a non-negative integer, got -1"},
        {"{\"maxLength\":1.5}", "/maxLength", "non-negative integer, got 1.5"},
        {"{\"minLength\":\"1\"}", "/minLength", "non-negative integer, got \"1\""},
        {"{\"minimum\":\"1\"}", "/minimum", "\"minimum\" must be a number, got string"},
        {"{\"maximum\":true}", "/maximum", "\"maximum\" must be a number, got boolean"},
        {"{\"required\":\"a\"}", "/required", "\"required\" must be an array of strings"},
        {"{\"required\":[\"a\",2]}", "/required/1", "entries must be strings, got integer"},
        {"{\"required\":[\"a\",\"a\"]}", "/required/1", "duplicate required member \"a\""},
        {"{\"properties\":[]}", "/properties", "\"properties\" must be an object of schemas"},
        {"{\"properties\":{\"a\":1}}", "/properties/a", "a schema must be an object, got integer"},
        {"{\"properties\":{\"a\":{\"properties\":{\"b/c\":{\"maxLength\":-2}}}}}",
         "/properties/a/properties/b~1c/maxLength", "non-negative integer"},
        {"{\"additionalProperties\":\"no\"}", "/additionalProperties", "boolean or a schema"},
        {"{\"additionalProperties\":{\"type\":\"bool\"}}", "/additionalProperties/type",
         "unknown type \"bool\""},
        {"{\"items\":[{}]}", "/items", "tuple form"},
        {"{\"format\":3}", "/format", "\"format\" must be a string"},
        {"{\"enum\":\"a\"}", "/enum", "\"enum\" must be an array"},
        {"{\"format\":\"e-mail\"}", "/format", "unknown format \"e-mail\" (supported: date-time"},
        {"{\"pattern\":\"(a\"}", "/pattern", "is not an ECMA-262 regular expression"},
        {"{\"pattern\":\"\\\\Z\"}", "/pattern", "is not an ECMA-262 regular expression"},
        {"{\"$ref\":\"#/$defs/nope\"}", "/$ref", "cannot resolve"},
        {"{\"$ref\":\"http://example.com/s.json\"}", "/$ref", "only local references"},
        {"{\"multipleOf\":0}", "/multipleOf", "greater than 0"},
        {"{\"allOf\":[]}", "/allOf", "non-empty array of schemas"},
        {"{\"minLenght\":1}", "/minLenght",
         "unknown keyword \"minLenght\" (did you mean \"minLength\"?)"},
        {"{\"Type\":\"string\"}", "/Type", "did you mean \"type\"?"},
        {"{\"x-https\":\"yes\",\"format\":\"uri\"}", "/x-https", "must be a boolean"},
        {"{\"x-https\":true}", "/x-https", "no effect without \"format\": \"uri\""},
        {"{\"x-millis\":true,\"format\":\"uri\"}", "/x-millis", "\"format\": \"date-time\""},
        {"{\"type\":\"string\",\"type\":\"integer\"}", "/type", "duplicate keyword \"type\""},
        {"{\"description\":1}", "/description", "\"description\" must be a string"},
        {"{\"title\":null}", "/title", "\"title\" must be a string"},
    };
    run_lcases("lint", cases, COUNT(cases));
}

Test(schema, lint_reports_several_findings_under_base_with_the_file, .timeout = 5)
{
    cJSON *schema = parse("{\"type\":\"objekt\",\"properties\":{\"a\":{\"maxLength\":-1}},"
                          "\"minimum\":\"x\",\"bogus\":1}");
    static const struct {
        const char *path;
        const char *message;
    } want[] = {
        {"/operation/body_schema/type", "unknown type \"objekt\""},
        {"/operation/body_schema/properties/a/maxLength", "non-negative integer"},
        {"/operation/body_schema/minimum", "must be a number"},
        {"/operation/body_schema/bogus", "unknown keyword \"bogus\""},
    };
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_schema_lint(schema, "specs/x.json", "/operation/body_schema", &d);
    cr_expect_eq(n, COUNT(want));
    cr_assert_eq(d.count, COUNT(want));
    for (size_t i = 0; i < COUNT(want); i++) {
        cr_expect_str_eq(d.items[i].path, want[i].path, "finding %zu", i);
        cr_expect_not_null(strstr(d.items[i].message, want[i].message), "finding %zu: %s", i,
                           d.items[i].message);
        cr_expect_str_eq(d.items[i].file, "specs/x.json");
    }
    cf_diags_cleanup(&d);
    cr_expect_eq(cf_schema_lint(schema, NULL, "", NULL), COUNT(want)); /* counts only */
    cr_expect_eq(cf_schema_lint(NULL, NULL, "", NULL), 0);
    cJSON_Delete(schema);
}

Test(schema, lint_stops_at_the_depth_limit, .timeout = 5)
{
    cJSON *schema;
    cJSON *instance;
    build_nested(CF_MAX_JSON_DEPTH, &schema, &instance);
    cr_expect_eq(cf_schema_lint(schema, NULL, "", NULL), 0);
    cJSON_Delete(schema);
    cJSON_Delete(instance);

    build_nested(CF_MAX_JSON_DEPTH + 50, &schema, &instance);
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_schema_lint(schema, NULL, "", &d);
    expect_one(&d, n, "lint-depth", 0, d.count ? d.items[0].path : "", "nested deeper than");
    cf_diags_cleanup(&d);
    cJSON_Delete(schema);
    cJSON_Delete(instance);
}

/* ---- 2020-12 and OpenAPI 3.0: compiled schemas ------------------------------------------- */

/* Compiles `schema_text` in `dialect` (inside `doc_text` when given), checks `instance_text`
 * in `dir`; returns the count and fills d. */
static size_t check_in(cf_schema_dialect dialect, const char *doc_text, const char *schema_text,
                       const char *instance_text, cf_schema_direction dir, cf_diags *d)
{
    cJSON *doc = doc_text ? parse(doc_text) : NULL;
    cJSON *schema = doc ? NULL : parse(schema_text);
    const cJSON *at = doc ? cJSON_GetObjectItemCaseSensitive(doc, schema_text) : schema;
    cJSON *instance = parse(instance_text);
    cf_schema_options opt = {dialect, doc};
    cf_schema *s = NULL;
    cr_assert_eq(cf_schema_compile(at, &opt, &s), CF_OK);
    size_t n = cf_schema_check(s, instance, dir, "", d);
    if (dir == CF_SCHEMA_ANY)
        cr_expect_eq(cf_schema_accepts(s, instance), n == 0, "quick and reporting forms disagree");
    cf_schema_free(s);
    cJSON_Delete(instance);
    cJSON_Delete(schema);
    cJSON_Delete(doc);
    return n;
}

Test(schema, openapi30_nullable_and_boolean_exclusive_bounds, .timeout = 5)
{
    static const struct {
        const char *schema, *instance;
        size_t want;
    } cases[] = {
        {"{\"type\":\"string\",\"nullable\":true}", "null", 0},
        {"{\"type\":\"string\",\"nullable\":true}", "\"a\"", 0},
        {"{\"type\":\"string\"}", "null", 1},
        {"{\"type\":\"string\",\"nullable\":false}", "null", 1},
        {"{\"minimum\":1,\"exclusiveMinimum\":true}", "1", 1},
        {"{\"minimum\":1,\"exclusiveMinimum\":true}", "1.5", 0},
        {"{\"minimum\":1,\"exclusiveMinimum\":false}", "1", 0},
        {"{\"maximum\":5,\"exclusiveMaximum\":true}", "5", 1},
        {"{\"maximum\":5,\"exclusiveMaximum\":true}", "4", 0},
        {"{\"type\":\"integer\",\"format\":\"int32\"}", "2147483648", 1},
        {"{\"type\":\"string\",\"format\":\"byte\"}", "\"aGVsbG8=\"", 0},
        {"{\"type\":\"string\",\"format\":\"byte\"}", "\"aGVsbG8\"", 1},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        cf_diags d;
        cf_diags_init(&d);
        size_t n =
            check_in(CF_SCHEMA_OAS30, NULL, cases[i].schema, cases[i].instance, CF_SCHEMA_ANY, &d);
        cr_expect_eq(n, cases[i].want, "case %zu (%s against %s): %zu (%s)", i, cases[i].instance,
                     cases[i].schema, n, d.count ? d.items[0].message : "-");
        cf_diags_cleanup(&d);
    }
}

static const char pets[] =
    "{\"components\":{\"schemas\":{"
    "\"Pet\":{\"oneOf\":[{\"$ref\":\"#/components/schemas/Cat\"},"
    "{\"$ref\":\"#/components/schemas/Dog\"}],"
    "\"discriminator\":{\"propertyName\":\"kind\",\"mapping\":{\"kitty\":\"Cat\"}}},"
    "\"Cat\":{\"type\":\"object\",\"required\":[\"kind\",\"lives\"],"
    "\"properties\":{\"kind\":{\"type\":\"string\"},\"lives\":{\"type\":\"integer\"}}},"
    "\"Dog\":{\"type\":\"object\",\"required\":[\"kind\"],"
    "\"properties\":{\"kind\":{\"type\":\"string\"},\"bark\":{\"type\":\"string\"}}}}},"
    "\"Account\":{\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"string\",\"readOnly\":true},"
    "\"password\":{\"type\":\"string\",\"writeOnly\":true}}}}";

Test(schema, openapi30_discriminator_picks_the_branch_and_says_which, .timeout = 5)
{
    cJSON *doc = parse(pets);
    const cJSON *pet = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "components"),
                                         "schemas"),
        "Pet");
    cf_schema_options opt = {CF_SCHEMA_OAS30, doc};
    cf_schema *s = NULL;
    cr_assert_eq(cf_schema_compile(pet, &opt, &s), CF_OK);
    static const struct {
        const char *instance;
        const char *message; /* NULL: valid */
    } cases[] = {
        {"{\"kind\":\"kitty\",\"lives\":9}", NULL},
        {"{\"kind\":\"Dog\"}", NULL},
        {"{\"kind\":\"kitty\"}", "picks #/components/schemas/Cat"},
        {"{\"kind\":\"Cow\"}", "names no branch"},
        {"{\"lives\":9}", "the discriminator member \"kind\" is missing"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        cJSON *instance = parse(cases[i].instance);
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_check(s, instance, CF_SCHEMA_ANY, "", &d);
        if (!cases[i].message)
            cr_expect_eq(n, 0, "case %zu: %s", i, d.count ? d.items[0].message : "");
        else
            cr_expect(n >= 1 && strstr(d.items[0].message, cases[i].message), "case %zu: %s", i,
                      d.count ? d.items[0].message : "no finding");
        cf_diags_cleanup(&d);
        cJSON_Delete(instance);
    }
    cf_schema_free(s);
    cJSON_Delete(doc);
}

Test(schema, read_only_in_a_request_and_write_only_in_a_response_are_findings, .timeout = 5)
{
    cf_diags d;
    cf_diags_init(&d);
    cr_expect_eq(check_in(CF_SCHEMA_OAS30, pets, "Account", "{\"id\":\"a\",\"password\":\"p\"}",
                          CF_SCHEMA_REQUEST, &d),
                 1);
    cr_expect_str_eq(d.count ? d.items[0].path : "", "/id");
    cr_expect(d.count && strstr(d.items[0].message, "readOnly: a request must not carry it"));
    cf_diags_cleanup(&d);
    cf_diags_init(&d);
    cr_expect_eq(check_in(CF_SCHEMA_OAS30, pets, "Account", "{\"id\":\"a\",\"password\":\"p\"}",
                          CF_SCHEMA_RESPONSE, &d),
                 1);
    cr_expect_str_eq(d.count ? d.items[0].path : "", "/password");
    cf_diags_cleanup(&d);
    cr_expect_eq(check_in(CF_SCHEMA_OAS30, pets, "Account", "{\"id\":\"a\",\"password\":\"p\"}",
                          CF_SCHEMA_ANY, NULL),
                 0);
}

Test(schema, violations_name_the_instance_path_and_the_keyword_path, .timeout = 5)
{
    cf_diags d;
    cf_diags_init(&d);
    size_t n = check_in(CF_SCHEMA_2020_12, NULL,
                        "{\"$defs\":{\"id\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}},"
                        "\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"$ref\":"
                        "\"#/$defs/id\"}}}}",
                        "{\"items\":[\"ok\",\"NO\"]}", CF_SCHEMA_ANY, &d);
    cr_expect_eq(n, 1);
    cr_assert_eq(d.count, 1);
    cr_expect_str_eq(d.items[0].path, "/items/1");
    cr_expect(strstr(d.items[0].message, "does not match the pattern \"^[a-z]+$\""), "%s",
              d.items[0].message);
    cr_expect(strstr(d.items[0].message, "[schema #/$defs/id/pattern]"), "%s", d.items[0].message);
    cf_diags_cleanup(&d);
}

Test(schema, one_of_says_how_many_branches_matched_and_why_the_closest_failed, .timeout = 5)
{
    static const char schema[] =
        "{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"number\",\"minimum\":2},"
        "{\"type\":\"object\",\"required\":[\"a\",\"b\"]}]}";
    cf_diags d;
    cf_diags_init(&d);
    cr_expect_eq(check_in(CF_SCHEMA_2020_12, NULL, schema, "3", CF_SCHEMA_ANY, &d), 1);
    cr_expect(d.count && strstr(d.items[0].message, "more than one of the 3 oneOf branches "
                                                    "(#/oneOf/0 and #/oneOf/1)"),
              "%s", d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    cf_diags_init(&d);
    cr_expect_eq(check_in(CF_SCHEMA_2020_12, NULL, schema, "{\"a\":1}", CF_SCHEMA_ANY, &d), 1);
    cr_expect(d.count && strstr(d.items[0].message, "none of the 3 oneOf branches") &&
                  strstr(d.items[0].message, "the closest, #/oneOf/2") &&
                  strstr(d.items[0].message, "missing required member \"b\""),
              "%s", d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
}

Test(schema, ref_cycles_end_at_the_depth_limit, .timeout = 5)
{
    cf_diags d;
    cf_diags_init(&d);
    size_t n = check_in(CF_SCHEMA_2020_12, NULL, "{\"$ref\":\"#\"}", "1", CF_SCHEMA_ANY, &d);
    cr_expect_eq(n, 1);
    cr_expect(d.count && strstr(d.items[0].message, "a $ref cycle?"));
    cf_diags_cleanup(&d);
}

Test(schema, hostile_patterns_stop_at_the_match_limit, .timeout = 10)
{
    char *value = repeat("a", 40);
    cf_diags d;
    cf_diags_init(&d);
    size_t n = validate_string("{\"pattern\":\"^(a+)+$\"}", value, &d);
    /* either PCRE2's auto-possessification decides quickly, or the limit stops it */
    cr_expect_eq(n, 0);
    cf_diags_cleanup(&d);
    free(value);
    value = repeat("a", 30);
    char *subject = malloc(strlen(value) + 2);
    cr_assert_not_null(subject);
    sprintf(subject, "%s!", value);
    cf_diags_init(&d);
    n = validate_string("{\"pattern\":\"^(a|a)+$\"}", subject, &d);
    cr_expect_eq(n, 1);
    cf_diags_cleanup(&d);
    free(subject);
    free(value);
}

Test(schema, lint_accepts_legal_schemas_and_warns_on_unsatisfiable_ones, .timeout = 5)
{
    static const char *const legal[] = {
        "{\"enum\":[]}",
        "{\"properties\":{\"a\":false},\"items\":true}",
        "{\"const\":\"a\\u0000b\"}",
        "false",
        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\"x\","
        "\"$comment\":\"c\",\"default\":1,\"examples\":[1],\"deprecated\":true,"
        "\"$defs\":{\"a\":{\"type\":\"string\"}},\"allOf\":[{\"$ref\":\"#/$defs/a\"}]}",
        "{\"minLength\":5,\"maxLength\":3}",
        "{\"type\":\"integer\",\"maxLength\":3}",
        "{\"prefixItems\":[{}],\"contains\":{},\"minContains\":0,\"uniqueItems\":true,"
        "\"dependentRequired\":{\"a\":[\"b\"]},\"dependentSchemas\":{\"a\":true},"
        "\"propertyNames\":{\"pattern\":\"^x\"},\"if\":{},\"then\":{},\"else\":{},\"not\":{}}",
    };
    for (size_t i = 0; i < COUNT(legal); i++) {
        cJSON *schema = parse(legal[i]);
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_lint(schema, "spec.json", "", &d);
        cr_expect_eq(n, 0, "legal %zu (%s): %s", i, legal[i], d.count ? d.items[0].message : "");
        for (size_t k = 0; k < d.count; k++)
            cr_expect(strncmp(d.items[k].message, "warning: ", 9) == 0, "%s", d.items[k].message);
        cf_diags_cleanup(&d);
        cJSON_Delete(schema);
    }
    static const struct {
        const char *schema, *path, *message;
    } warned[] = {
        {"{\"enum\":[]}", "/enum", "warning: \"enum\" is empty: no value can pass"},
        {"false", "", "warning: the schema is false"},
        {"{\"minLength\":5,\"maxLength\":3}", "/minLength", "minLength 5 exceeds maxLength 3"},
        {"{\"minimum\":10,\"maximum\":1}", "/minimum", "minimum 10 exceeds maximum 1"},
        {"{\"type\":\"string\",\"enum\":[\"a\",1]}", "/enum/1",
         "enum value 1 does not have type string"},
        {"{\"properties\":{\"a\":{}},\"required\":[\"b\"],\"additionalProperties\":false}",
         "/required/0", "required member \"b\" is not in \"properties\""},
        {"{\"type\":\"integer\",\"maxLength\":3}", "/maxLength",
         "\"maxLength\" has no effect on type integer"},
    };
    for (size_t i = 0; i < COUNT(warned); i++) {
        cJSON *schema = parse(warned[i].schema);
        cf_diags d;
        cf_diags_init(&d);
        cr_expect_eq(cf_schema_lint(schema, "spec.json", "", &d), 0, "warned %zu", i);
        cr_expect_eq(d.count, 1, "warned %zu: %zu findings", i, d.count);
        if (d.count) {
            cr_expect_str_eq(d.items[0].path, warned[i].path, "warned %zu", i);
            cr_expect(strstr(d.items[0].message, warned[i].message), "warned %zu: %s", i,
                      d.items[0].message);
        }
        cf_diags_cleanup(&d);
        cJSON_Delete(schema);
    }
}
