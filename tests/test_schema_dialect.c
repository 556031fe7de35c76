/* test_schema_dialect.c - compiled schemas in each dialect: OpenAPI 3.0 (nullable, boolean
 * exclusive bounds, discriminator, readOnly/writeOnly by direction) and 2020-12 (instance and
 * keyword paths, oneOf's closest branch, $ref cycles, hostile patterns). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "contract/schema.h"
#include "schema_util.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Compiles `schema_text` in `dialect` (inside `doc_text` when given), checks `instance_text`
 * in `dir`; returns the count and fills d. */
static size_t check_in(cf_schema_dialect dialect, const char *doc_text, const char *schema_text,
                       const char *instance_text, cf_schema_direction dir, cf_diags *d)
{
    cJSON *doc = doc_text ? cf_test_parse(doc_text) : NULL;
    cJSON *schema = doc ? NULL : cf_test_parse(schema_text);
    const cJSON *at = doc ? cJSON_GetObjectItemCaseSensitive(doc, schema_text) : schema;
    cJSON *instance = cf_test_parse(instance_text);
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
    cJSON *doc = cf_test_parse(pets);
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
        cJSON *instance = cf_test_parse(cases[i].instance);
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
    char *value = cf_test_repeat("a", 40);
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_test_validate_string("{\"pattern\":\"^(a+)+$\"}", value, &d);
    /* either PCRE2's auto-possessification decides quickly, or the limit stops it */
    cr_expect_eq(n, 0);
    cf_diags_cleanup(&d);
    free(value);
    value = cf_test_repeat("a", 30);
    char *subject = malloc(strlen(value) + 2);
    cr_assert_not_null(subject);
    sprintf(subject, "%s!", value);
    cf_diags_init(&d);
    n = cf_test_validate_string("{\"pattern\":\"^(a|a)+$\"}", subject, &d);
    cr_expect_eq(n, 1);
    cf_diags_cleanup(&d);
    free(subject);
    free(value);
}
