/* test_schema_suite.c - the official JSON-Schema-Test-Suite (2020-12 and draft4) against the
 * validator: every test of every group, except the groups in the one skip table below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cli_child.h"
#include "contract/schema.h"

#define SUITE_DIR CONFORM_SOURCE_DIR "/tests/data/JSON-Schema-Test-Suite/tests/"

/* What is left out, and why: `group` NULL means the whole file (those files are not even
 * copied into tests/data). Keep README.md's list in step with this one. */
static const struct {
    const char *file;  /* relative to SUITE_DIR */
    const char *group; /* a group's description, or NULL */
    const char *test;  /* a test's description, or NULL: the whole group */
    const char *why;
} skips[] = {
    {"draft2020-12/anchor.json", NULL, NULL, "$anchor-based resolution is not supported"},
    {"draft2020-12/content.json", NULL, NULL, "contentMediaType/contentEncoding are annotations"},
    {"draft2020-12/dynamicRef.json", NULL, NULL, "$dynamicRef is not supported"},
    {"draft2020-12/refRemote.json", NULL, NULL, "remote references are never fetched"},
    {"draft2020-12/unevaluatedItems.json", NULL, NULL, "unevaluated* are not supported"},
    {"draft2020-12/unevaluatedProperties.json", NULL, NULL, "unevaluated* are not supported"},
    {"draft2020-12/vocabulary.json", NULL, NULL,
     "custom vocabularies ($vocabulary) are not supported"},
    {"draft4/refRemote.json", NULL, NULL, "remote references are never fetched"},
    {"draft2020-12/defs.json", "validate definition against metaschema", NULL,
     "the metaschema is a remote reference"},
    {"draft4/definitions.json", "validate definition against metaschema", NULL,
     "the metaschema is a remote reference"},
    {"draft2020-12/not.json", "collect annotations inside a 'not', even if collection is disabled",
     NULL, "unevaluatedProperties is not supported"},
    {"draft2020-12/ref.json", "remote ref, containing refs itself", NULL,
     "the metaschema is a remote reference"},
    {"draft4/ref.json", "remote ref, containing refs itself", NULL,
     "the metaschema is a remote reference"},
    {"draft2020-12/ref.json", "ref creates new scope when adjacent to keywords", NULL,
     "unevaluatedProperties is not supported"},
    {"draft2020-12/ref.json", "Recursive references between schemas", NULL, "$id-based resolution"},
    {"draft4/ref.json", "Recursive references between schemas", NULL, "id-based resolution"},
    {"draft2020-12/ref.json", "refs with relative uris and defs", NULL, "$id-based resolution"},
    {"draft2020-12/ref.json", "relative refs with absolute uris and defs", NULL,
     "$id-based resolution"},
    {"draft2020-12/ref.json",
     "$id must be resolved against nearest parent, not just immediate parent", NULL,
     "$id-based resolution"},
    {"draft4/ref.json", "id must be resolved against nearest parent, not just immediate parent",
     NULL, "id-based resolution"},
    {"draft2020-12/ref.json", "order of evaluation: $id and $ref", NULL, "$id-based resolution"},
    {"draft2020-12/ref.json", "order of evaluation: $id and $anchor and $ref", NULL,
     "$anchor-based resolution"},
    {"draft2020-12/ref.json", "order of evaluation: $id and $ref on nested schema", NULL,
     "$id-based resolution"},
    {"draft2020-12/ref.json", "simple URN base URI with $ref via the URN", NULL,
     "$id-based resolution"},
    {"draft2020-12/ref.json", "URN base URI with URN and JSON pointer ref", NULL,
     "$id-based resolution"},
    {"draft2020-12/ref.json", "URN base URI with URN and anchor ref", NULL,
     "$id/$anchor-based resolution"},
    {"draft2020-12/ref.json", "URN ref with nested pointer ref", NULL, "$id-based resolution"},
    {"draft2020-12/ref.json", "ref to if", NULL, "$id-based resolution"},
    {"draft2020-12/ref.json", "ref to then", NULL, "$id-based resolution"},
    {"draft2020-12/ref.json", "ref to else", NULL, "$id-based resolution"},
    {"draft2020-12/ref.json", "ref with absolute-path-reference", NULL, "$id-based resolution"},
    {"draft4/ref.json", "$ref prevents a sibling id from changing the base uri", NULL,
     "id-based resolution"},
    {"draft4/ref.json", "Location-independent identifier", NULL, "anchor (id) resolution"},
    {"draft4/ref.json", "Location-independent identifier with base URI change in subschema", NULL,
     "anchor (id) resolution"},
    {"draft2020-12/optional/format/date.json", "validation of date strings",
     "invalid: NUL character after an otherwise valid full-date",
     "cJSON's C strings cannot carry a NUL character"},
    {"draft2020-12/optional/format/ipv4.json", "validation of IP addresses",
     "additional content after an embedded NUL byte",
     "cJSON's C strings cannot carry a NUL character"},
    {"draft4/optional/format/ipv4.json", "validation of IP addresses",
     "additional content after an embedded NUL byte",
     "cJSON's C strings cannot carry a NUL character"},
    {"draft2020-12/optional/format/hostname.json", "validation of A-label (punycode) host names",
     NULL, "IDNA2008 checks of A-labels (punycode decoding, Unicode tables) are not implemented"},
    {"draft2020-12/format.json", "email format",
     "invalid email string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "regex format",
     "invalid regex string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "ipv4 format",
     "invalid ipv4 string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "ipv6 format",
     "invalid ipv6 string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "hostname format",
     "invalid hostname string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "date format",
     "invalid date string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "date-time format",
     "invalid date-time string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "time format",
     "invalid time string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "json-pointer format",
     "invalid json-pointer string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "uri format",
     "invalid uri string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "uri-reference format",
     "invalid uri-reference string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "uuid format",
     "invalid uuid string is only an annotation by default", "conform asserts formats"},
    {"draft2020-12/format.json", "duration format",
     "invalid duration string is only an annotation by default", "conform asserts formats"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *skip_reason(const char *file, const char *group, const char *test)
{
    for (size_t i = 0; i < COUNT(skips); i++)
        if (strcmp(skips[i].file, file) == 0 && skips[i].group &&
            strcmp(skips[i].group, group) == 0 &&
            (!skips[i].test || (test && strcmp(skips[i].test, test) == 0)))
            return skips[i].why;
    return NULL;
}

/* Runs every group of one file; fails naming file / group / test where the validator
 * disagrees. */
static void run_file(const char *file)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s%s", SUITE_DIR, file);
    size_t len = 0;
    char *text = cf_test_read_file(path, &len);
    cr_assert_not_null(text, "cannot read %s", path);
    cJSON *doc = cJSON_ParseWithLength(text, len);
    free(text);
    cr_assert_not_null(doc, "%s does not parse", path);
    cf_schema_options opt = {strncmp(file, "draft4/", 7) == 0 ? CF_SCHEMA_OAS30 : CF_SCHEMA_2020_12,
                             NULL};
    size_t passed = 0, total = 0, skipped = 0;
    for (const cJSON *g = doc->child; g; g = g->next) {
        const cJSON *desc = cJSON_GetObjectItemCaseSensitive(g, "description");
        const cJSON *schema = cJSON_GetObjectItemCaseSensitive(g, "schema");
        const cJSON *tests = cJSON_GetObjectItemCaseSensitive(g, "tests");
        const char *group = cJSON_IsString(desc) ? desc->valuestring : "?";
        if (skip_reason(file, group, NULL)) {
            skipped += (size_t)cJSON_GetArraySize(tests);
            continue;
        }
        cf_schema *s = NULL;
        cr_assert_eq(cf_schema_compile(schema, &opt, &s), CF_OK, "%s / %s: compile", file, group);
        for (const cJSON *t = tests ? tests->child : NULL; t; t = t->next) {
            const cJSON *tdesc = cJSON_GetObjectItemCaseSensitive(t, "description");
            const cJSON *data = cJSON_GetObjectItemCaseSensitive(t, "data");
            if (skip_reason(file, group, cJSON_IsString(tdesc) ? tdesc->valuestring : NULL)) {
                skipped++;
                continue;
            }
            int want = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "valid"));
            int got = cf_schema_accepts(s, data);
            /* the reporting form must agree with the quick form */
            size_t violations = cf_schema_check(s, data, CF_SCHEMA_ANY, "", NULL);
            total++;
            if (got == want && (violations == 0) == want) {
                passed++;
                continue;
            }
            cr_expect_fail("%s / %s / %s: expected %s, validator says %s (%zu violations)", file,
                           group, cJSON_IsString(tdesc) ? tdesc->valuestring : "?",
                           want ? "valid" : "invalid", got ? "valid" : "invalid", violations);
        }
        cf_schema_free(s);
    }
    fprintf(stderr, "suite %s: %zu/%zu passed, %zu skipped\n", file, passed, total, skipped);
    cJSON_Delete(doc);
}

Test(schema_suite, draft2020_12_additionalProperties, .timeout = 60)
{
    run_file("draft2020-12/additionalProperties.json");
}

Test(schema_suite, draft2020_12_allOf, .timeout = 60)
{
    run_file("draft2020-12/allOf.json");
}

Test(schema_suite, draft2020_12_anyOf, .timeout = 60)
{
    run_file("draft2020-12/anyOf.json");
}

Test(schema_suite, draft2020_12_boolean_schema, .timeout = 60)
{
    run_file("draft2020-12/boolean_schema.json");
}

Test(schema_suite, draft2020_12_const, .timeout = 60)
{
    run_file("draft2020-12/const.json");
}

Test(schema_suite, draft2020_12_contains, .timeout = 60)
{
    run_file("draft2020-12/contains.json");
}

Test(schema_suite, draft2020_12_default, .timeout = 60)
{
    run_file("draft2020-12/default.json");
}

Test(schema_suite, draft2020_12_defs, .timeout = 60)
{
    run_file("draft2020-12/defs.json");
}

Test(schema_suite, draft2020_12_dependentRequired, .timeout = 60)
{
    run_file("draft2020-12/dependentRequired.json");
}

Test(schema_suite, draft2020_12_dependentSchemas, .timeout = 60)
{
    run_file("draft2020-12/dependentSchemas.json");
}

Test(schema_suite, draft2020_12_enum, .timeout = 60)
{
    run_file("draft2020-12/enum.json");
}

Test(schema_suite, draft2020_12_exclusiveMaximum, .timeout = 60)
{
    run_file("draft2020-12/exclusiveMaximum.json");
}

Test(schema_suite, draft2020_12_exclusiveMinimum, .timeout = 60)
{
    run_file("draft2020-12/exclusiveMinimum.json");
}

Test(schema_suite, draft2020_12_format, .timeout = 60)
{
    run_file("draft2020-12/format.json");
}

Test(schema_suite, draft2020_12_if_then_else, .timeout = 60)
{
    run_file("draft2020-12/if-then-else.json");
}

Test(schema_suite, draft2020_12_infinite_loop_detection, .timeout = 60)
{
    run_file("draft2020-12/infinite-loop-detection.json");
}

Test(schema_suite, draft2020_12_items, .timeout = 60)
{
    run_file("draft2020-12/items.json");
}

Test(schema_suite, draft2020_12_maxContains, .timeout = 60)
{
    run_file("draft2020-12/maxContains.json");
}

Test(schema_suite, draft2020_12_maxItems, .timeout = 60)
{
    run_file("draft2020-12/maxItems.json");
}

Test(schema_suite, draft2020_12_maxLength, .timeout = 60)
{
    run_file("draft2020-12/maxLength.json");
}

Test(schema_suite, draft2020_12_maxProperties, .timeout = 60)
{
    run_file("draft2020-12/maxProperties.json");
}

Test(schema_suite, draft2020_12_maximum, .timeout = 60)
{
    run_file("draft2020-12/maximum.json");
}

Test(schema_suite, draft2020_12_minContains, .timeout = 60)
{
    run_file("draft2020-12/minContains.json");
}

Test(schema_suite, draft2020_12_minItems, .timeout = 60)
{
    run_file("draft2020-12/minItems.json");
}

Test(schema_suite, draft2020_12_minLength, .timeout = 60)
{
    run_file("draft2020-12/minLength.json");
}

Test(schema_suite, draft2020_12_minProperties, .timeout = 60)
{
    run_file("draft2020-12/minProperties.json");
}

Test(schema_suite, draft2020_12_minimum, .timeout = 60)
{
    run_file("draft2020-12/minimum.json");
}

Test(schema_suite, draft2020_12_multipleOf, .timeout = 60)
{
    run_file("draft2020-12/multipleOf.json");
}

Test(schema_suite, draft2020_12_not, .timeout = 60)
{
    run_file("draft2020-12/not.json");
}

Test(schema_suite, draft2020_12_oneOf, .timeout = 60)
{
    run_file("draft2020-12/oneOf.json");
}

Test(schema_suite, draft2020_12_pattern, .timeout = 60)
{
    run_file("draft2020-12/pattern.json");
}

Test(schema_suite, draft2020_12_patternProperties, .timeout = 60)
{
    run_file("draft2020-12/patternProperties.json");
}

Test(schema_suite, draft2020_12_prefixItems, .timeout = 60)
{
    run_file("draft2020-12/prefixItems.json");
}

Test(schema_suite, draft2020_12_properties, .timeout = 60)
{
    run_file("draft2020-12/properties.json");
}

Test(schema_suite, draft2020_12_propertyNames, .timeout = 60)
{
    run_file("draft2020-12/propertyNames.json");
}

Test(schema_suite, draft2020_12_ref, .timeout = 60)
{
    run_file("draft2020-12/ref.json");
}

Test(schema_suite, draft2020_12_required, .timeout = 60)
{
    run_file("draft2020-12/required.json");
}

Test(schema_suite, draft2020_12_type, .timeout = 60)
{
    run_file("draft2020-12/type.json");
}

Test(schema_suite, draft2020_12_uniqueItems, .timeout = 60)
{
    run_file("draft2020-12/uniqueItems.json");
}

Test(schema_suite, draft2020_12_optional_ecmascript_regex, .timeout = 60)
{
    run_file("draft2020-12/optional/ecmascript-regex.json");
}

Test(schema_suite, draft2020_12_optional_format_date_time, .timeout = 60)
{
    run_file("draft2020-12/optional/format/date-time.json");
}

Test(schema_suite, draft2020_12_optional_format_date, .timeout = 60)
{
    run_file("draft2020-12/optional/format/date.json");
}

Test(schema_suite, draft2020_12_optional_format_duration, .timeout = 60)
{
    run_file("draft2020-12/optional/format/duration.json");
}

Test(schema_suite, draft2020_12_optional_format_email, .timeout = 60)
{
    run_file("draft2020-12/optional/format/email.json");
}

Test(schema_suite, draft2020_12_optional_format_hostname, .timeout = 60)
{
    run_file("draft2020-12/optional/format/hostname.json");
}

Test(schema_suite, draft2020_12_optional_format_ipv4, .timeout = 60)
{
    run_file("draft2020-12/optional/format/ipv4.json");
}

Test(schema_suite, draft2020_12_optional_format_ipv6, .timeout = 60)
{
    run_file("draft2020-12/optional/format/ipv6.json");
}

Test(schema_suite, draft2020_12_optional_format_json_pointer, .timeout = 60)
{
    run_file("draft2020-12/optional/format/json-pointer.json");
}

Test(schema_suite, draft2020_12_optional_format_regex, .timeout = 60)
{
    run_file("draft2020-12/optional/format/regex.json");
}

Test(schema_suite, draft2020_12_optional_format_time, .timeout = 60)
{
    run_file("draft2020-12/optional/format/time.json");
}

Test(schema_suite, draft2020_12_optional_format_unknown, .timeout = 60)
{
    run_file("draft2020-12/optional/format/unknown.json");
}

Test(schema_suite, draft2020_12_optional_format_uri_reference, .timeout = 60)
{
    run_file("draft2020-12/optional/format/uri-reference.json");
}

Test(schema_suite, draft2020_12_optional_format_uri, .timeout = 60)
{
    run_file("draft2020-12/optional/format/uri.json");
}

Test(schema_suite, draft2020_12_optional_format_uuid, .timeout = 60)
{
    run_file("draft2020-12/optional/format/uuid.json");
}

Test(schema_suite, draft4_additionalItems, .timeout = 60)
{
    run_file("draft4/additionalItems.json");
}

Test(schema_suite, draft4_additionalProperties, .timeout = 60)
{
    run_file("draft4/additionalProperties.json");
}

Test(schema_suite, draft4_allOf, .timeout = 60)
{
    run_file("draft4/allOf.json");
}

Test(schema_suite, draft4_anyOf, .timeout = 60)
{
    run_file("draft4/anyOf.json");
}

Test(schema_suite, draft4_default, .timeout = 60)
{
    run_file("draft4/default.json");
}

Test(schema_suite, draft4_definitions, .timeout = 60)
{
    run_file("draft4/definitions.json");
}

Test(schema_suite, draft4_dependencies, .timeout = 60)
{
    run_file("draft4/dependencies.json");
}

Test(schema_suite, draft4_enum, .timeout = 60)
{
    run_file("draft4/enum.json");
}

Test(schema_suite, draft4_format, .timeout = 60)
{
    run_file("draft4/format.json");
}

Test(schema_suite, draft4_infinite_loop_detection, .timeout = 60)
{
    run_file("draft4/infinite-loop-detection.json");
}

Test(schema_suite, draft4_items, .timeout = 60)
{
    run_file("draft4/items.json");
}

Test(schema_suite, draft4_maxItems, .timeout = 60)
{
    run_file("draft4/maxItems.json");
}

Test(schema_suite, draft4_maxLength, .timeout = 60)
{
    run_file("draft4/maxLength.json");
}

Test(schema_suite, draft4_maxProperties, .timeout = 60)
{
    run_file("draft4/maxProperties.json");
}

Test(schema_suite, draft4_maximum, .timeout = 60)
{
    run_file("draft4/maximum.json");
}

Test(schema_suite, draft4_minItems, .timeout = 60)
{
    run_file("draft4/minItems.json");
}

Test(schema_suite, draft4_minLength, .timeout = 60)
{
    run_file("draft4/minLength.json");
}

Test(schema_suite, draft4_minProperties, .timeout = 60)
{
    run_file("draft4/minProperties.json");
}

Test(schema_suite, draft4_minimum, .timeout = 60)
{
    run_file("draft4/minimum.json");
}

Test(schema_suite, draft4_multipleOf, .timeout = 60)
{
    run_file("draft4/multipleOf.json");
}

Test(schema_suite, draft4_not, .timeout = 60)
{
    run_file("draft4/not.json");
}

Test(schema_suite, draft4_oneOf, .timeout = 60)
{
    run_file("draft4/oneOf.json");
}

Test(schema_suite, draft4_pattern, .timeout = 60)
{
    run_file("draft4/pattern.json");
}

Test(schema_suite, draft4_patternProperties, .timeout = 60)
{
    run_file("draft4/patternProperties.json");
}

Test(schema_suite, draft4_properties, .timeout = 60)
{
    run_file("draft4/properties.json");
}

Test(schema_suite, draft4_ref, .timeout = 60)
{
    run_file("draft4/ref.json");
}

Test(schema_suite, draft4_required, .timeout = 60)
{
    run_file("draft4/required.json");
}

Test(schema_suite, draft4_type, .timeout = 60)
{
    run_file("draft4/type.json");
}

Test(schema_suite, draft4_uniqueItems, .timeout = 60)
{
    run_file("draft4/uniqueItems.json");
}

Test(schema_suite, draft4_optional_format_date_time, .timeout = 60)
{
    run_file("draft4/optional/format/date-time.json");
}

Test(schema_suite, draft4_optional_format_email, .timeout = 60)
{
    run_file("draft4/optional/format/email.json");
}

Test(schema_suite, draft4_optional_format_hostname, .timeout = 60)
{
    run_file("draft4/optional/format/hostname.json");
}

Test(schema_suite, draft4_optional_format_ipv4, .timeout = 60)
{
    run_file("draft4/optional/format/ipv4.json");
}

Test(schema_suite, draft4_optional_format_ipv6, .timeout = 60)
{
    run_file("draft4/optional/format/ipv6.json");
}

Test(schema_suite, draft4_optional_format_unknown, .timeout = 60)
{
    run_file("draft4/optional/format/unknown.json");
}

Test(schema_suite, draft4_optional_format_uri, .timeout = 60)
{
    run_file("draft4/optional/format/uri.json");
}
