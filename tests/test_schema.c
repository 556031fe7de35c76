/* test_schema.c - the JSON Schema validator, one keyword at a time and in combination:
 * messages, paths and limits; and UTF-8 lengths. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/limits.h"
#include "base/utf8.h"
#include "contract/schema.h"
#include "schema_util.h"

/* One validation case: NULL path means the instance is valid; otherwise exactly one
 * diagnostic with that path whose message contains `message`. */
typedef struct {
    const char *schema;
    const char *instance;
    const char *path;
    const char *message;
} vcase;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void run_vcases(const char *what, const vcase *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        cJSON *schema = cf_test_parse(cases[i].schema);
        cJSON *instance = cf_test_parse(cases[i].instance);
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_validate(schema, instance, "", &d);
        if (!cases[i].path)
            cr_expect_eq(n, 0, "%s case %zu (%s against %s): unexpected \"%s\" at \"%s\"", what, i,
                         cases[i].instance, cases[i].schema, d.count ? d.items[0].message : "",
                         d.count ? d.items[0].path : "");
        else
            cf_test_expect_one(&d, n, what, i, cases[i].path, cases[i].message);
        cf_diags_cleanup(&d);
        cJSON_Delete(schema);
        cJSON_Delete(instance);
    }
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
    cJSON *schema = cf_test_parse("{\"type\":\"integer\"}");
    for (size_t i = 0; i < COUNT(values); i++) {
        cJSON *instance = cJSON_CreateNumber(values[i]);
        cr_assert_not_null(instance);
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_validate(schema, instance, "", &d);
        cf_test_expect_one(&d, n, "non-finite", i, "", "expected type integer, got number");
        cf_diags_cleanup(&d);
        cJSON_Delete(instance);
    }
    cJSON_Delete(schema);
}

Test(schema, nan_fails_minimum_and_maximum, .timeout = 5)
{
    cJSON *schema = cf_test_parse("{\"minimum\":0,\"maximum\":10}");
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
        char *value = cf_test_repeat(cases[i].unit, cases[i].n);
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_test_validate_string(
            "{\"type\":\"string\",\"minLength\":1,\"maxLength\":256}", value, &d);
        if (cases[i].message)
            cf_test_expect_one(&d, n, "length", i, "", cases[i].message);
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
        size_t n = cf_test_validate_string("{\"maxLength\":20971520}", value, &d);
        cr_expect_eq(n, cases[i].want, "case %zu", i);
        if (cases[i].want)
            cf_test_expect_one(&d, n, "20MiB", i, "", "length 20971521 exceeds maxLength 20971520");
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
        size_t n = cf_test_validate_string("{\"maxLength\":10}", values[i], &d);
        cf_test_expect_one(&d, n, "utf8", i, "", "not valid UTF-8");
        cf_diags_cleanup(&d);
        /* Without a length keyword the bytes are not looked at. */
        cf_diags_init(&d);
        cr_expect_eq(cf_test_validate_string("{\"type\":\"string\"}", values[i], &d), 0);
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
    cJSON *schema = cf_test_parse(
        "{\"type\":\"object\",\"required\":[\"ClientToken\",\"AttachmentName\"],"
        "\"additionalProperties\":false,\"properties\":{"
        "\"AttachmentName\":{\"type\":\"string\",\"maxLength\":3},"
        "\"AttachmentSizeInBytes\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":20971520},"
        "\"ContentType\":{\"enum\":[\"text/plain\"]},"
        "\"Tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}");
    cJSON *instance =
        cf_test_parse("{\"AttachmentName\":\"abcd\",\"AttachmentSizeInBytes\":0,"
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
    cJSON *schema = cf_test_parse("{\"properties\":{\"a/b\":{\"properties\":{\"c~d\":{\"items\":"
                                  "{\"type\":\"integer\"}}}}}}");
    cJSON *instance = cf_test_parse("{\"a/b\":{\"c~d\":[1,2,\"x\"]}}");
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
    char *value = cf_test_repeat("q\"\n", 100);
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_test_validate_string("{\"enum\":[\"a\"]}", value, &d);
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
    n = cf_test_validate_string("{\"enum\":[\"a\"]}", "x\xFFy", &d);
    cr_assert_eq(n, 1);
    cr_expect_not_null(strstr(d.items[0].message, "\"x\\xFFy\""), "%s", d.items[0].message);
    cr_expect_neq(cf_utf8_length(d.items[0].message, strlen(d.items[0].message)), (size_t)-1);
    cf_diags_cleanup(&d);
}

Test(schema, validation_stops_at_the_depth_limit, .timeout = 5)
{
    cJSON *schema;
    cJSON *instance;
    cf_diags d;

    cf_test_build_nested(CF_MAX_JSON_DEPTH, &schema, &instance);
    cf_diags_init(&d);
    cr_expect_eq(cf_schema_validate(schema, instance, "", &d), 0);
    cf_diags_cleanup(&d);
    cJSON_Delete(schema);
    cJSON_Delete(instance);

    cf_test_build_nested(CF_MAX_JSON_DEPTH + 50, &schema, &instance);
    cf_diags_init(&d);
    size_t n = cf_schema_validate(schema, instance, "", &d);
    cf_test_expect_one(&d, n, "depth", 0, d.count ? d.items[0].path : "", "nesting deeper than");
    cr_expect_eq(strlen(d.count ? d.items[0].path : ""), (size_t)(CF_MAX_JSON_DEPTH + 1) * 2);
    cf_diags_cleanup(&d);
    cJSON_Delete(schema);
    cJSON_Delete(instance);
}

Test(schema, missing_instance_null_schema_and_null_output, .timeout = 5)
{
    cJSON *schema = cf_test_parse("{\"type\":\"string\"}");
    cJSON *instance = cf_test_parse("1");
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_schema_validate(schema, NULL, "/body", &d);
    cf_test_expect_one(&d, n, "null-instance", 0, "/body", "no value");
    cf_diags_cleanup(&d);
    cr_expect_eq(cf_schema_validate(NULL, instance, "", NULL), 0);
    cr_expect_eq(cf_schema_validate(schema, instance, "", NULL), 1); /* counts only */
    cJSON_Delete(instance);
    cJSON_Delete(schema);
}

Test(schema, counts_violations_beyond_the_stored_maximum, .timeout = 5)
{
    cJSON *schema = cf_test_parse("{\"items\":{\"type\":\"string\"}}");
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
        /* runs of eight ASCII bytes and more, around multi-byte and invalid ones */
        {"0123456789abcdefg", 17, 17},
        {"abcdefghij\xC3\xA9klmnopqr", 20, 19},
        {"\xC3\xA9"
         "01234567",
         10, 9},
        {"0123456789abcdef\x80", 17, (size_t)-1},
        {"01234567\xE2\x82", 10, (size_t)-1},
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
