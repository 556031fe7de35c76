/* test_schema_lint.c - the schema linter: well-formed schemas pass, each misuse is a finding
 * at its path, unsatisfiable schemas are warnings. */
#include <string.h>

#include <criterion/criterion.h>

#include "base/limits.h"
#include "contract/schema.h"
#include "schema_util.h"

/* One lint case: NULL path means no finding; otherwise exactly one, at that path. */
typedef struct {
    const char *schema;
    const char *path;
    const char *message;
} lcase;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void run_lcases(const char *what, const lcase *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        cJSON *schema = cf_test_parse(cases[i].schema);
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_lint(schema, "spec.json", "", &d);
        if (!cases[i].path) {
            cr_expect_eq(n, 0, "%s case %zu (%s): unexpected \"%s\" at \"%s\"", what, i,
                         cases[i].schema, d.count ? d.items[0].message : "",
                         d.count ? d.items[0].path : "");
        } else {
            cf_test_expect_one(&d, n, what, i, cases[i].path, cases[i].message);
            if (d.count)
                cr_expect_str_eq(d.items[0].file, "spec.json");
        }
        cf_diags_cleanup(&d);
        cJSON_Delete(schema);
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
    cJSON *schema = cf_test_parse("{\"type\":\"objekt\",\"properties\":{\"a\":{\"maxLength\":-1}},"
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
    cf_test_build_nested(CF_MAX_JSON_DEPTH, &schema, &instance);
    cr_expect_eq(cf_schema_lint(schema, NULL, "", NULL), 0);
    cJSON_Delete(schema);
    cJSON_Delete(instance);

    cf_test_build_nested(CF_MAX_JSON_DEPTH + 50, &schema, &instance);
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_schema_lint(schema, NULL, "", &d);
    cf_test_expect_one(&d, n, "lint-depth", 0, d.count ? d.items[0].path : "",
                       "nested deeper than");
    cf_diags_cleanup(&d);
    cJSON_Delete(schema);
    cJSON_Delete(instance);
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
        cJSON *schema = cf_test_parse(legal[i]);
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
        cJSON *schema = cf_test_parse(warned[i].schema);
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
