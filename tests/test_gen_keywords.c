/* test_gen_keywords.c - the generator on hand-written schemas, one or two keywords each: the
 * validator agrees with every item, nothing is dropped, and the items each keyword implies are
 * there by name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "gen/gen.h"
#include "gen_oracle.h"

typedef struct {
    const char *schema;
    cf_schema_dialect dialect;
    cf_schema_direction dir;
    const char *names;  /* space-separated item names that must be there */
    const char *absent; /* space-separated item names that must not be there; may be NULL */
} kw_case;

#define D20 CF_SCHEMA_2020_12
#define OAS CF_SCHEMA_OAS30
#define ANY CF_SCHEMA_ANY

static const kw_case cases[] = {
    {"{\"type\":\"string\",\"minLength\":2,\"maxLength\":5}", D20, ANY,
     "Body.minLength-1 Body.maxLength Body.maxLength+1 Body.json-meta.min Body.json-meta.max "
     "Body.control.min Body.rtl.max Body.not-string.integer Body.null Body.random",
     "Body.raw.truncated"},
    {"{\"type\":\"string\",\"pattern\":\"^[A-Z][a-z0-9_-]{2,6}$\",\"maxLength\":5}", D20, ANY,
     "Body.minimal Body.maxLength Body.pattern.mismatch Body.random", "Body.json-meta.min"},
    {"{\"type\":\"string\",\"pattern\":\"\\\\d{3}-\\\\w+\"}", D20, ANY,
     "Body.minimal Body.pattern.mismatch", NULL},
    {"{\"type\":\"string\",\"pattern\":\"^(a|b)+$\",\"examples\":[\"ab\",\"ba\"]}", D20, ANY,
     "Body.examples[1] Body.minimal", "Body.json-meta.min"},
    {"{\"type\":\"string\",\"format\":\"date-time\"}", D20, ANY,
     "Body.minimal Body.format.invalid Body.random", NULL},
    {"{\"type\":\"string\",\"format\":\"date-time\",\"x-millis\":true}", D20, ANY,
     "Body.minimal Body.format.invalid", NULL},
    {"{\"type\":\"string\",\"format\":\"date\"}", D20, ANY, "Body.minimal Body.format.invalid",
     NULL},
    {"{\"type\":\"string\",\"format\":\"uuid\"}", D20, ANY, "Body.format.invalid Body.random",
     NULL},
    {"{\"type\":\"string\",\"format\":\"email\"}", D20, ANY, "Body.minimal Body.format.invalid",
     NULL},
    {"{\"type\":\"string\",\"format\":\"uri\",\"x-https\":true,\"maxLength\":300}", D20, ANY,
     "Body.minimal Body.format.invalid Body.maxLength Body.maxLength+1", NULL},
    {"{\"type\":\"string\",\"format\":\"ipv4\"}", D20, ANY, "Body.minimal Body.format.invalid",
     NULL},
    {"{\"type\":\"string\",\"format\":\"ipv6\"}", D20, ANY, "Body.format.invalid", NULL},
    {"{\"type\":\"string\",\"format\":\"hostname\"}", D20, ANY, "Body.format.invalid", NULL},
    {"{\"type\":\"integer\",\"minimum\":-5,\"maximum\":5}", D20, ANY,
     "Body.minimum Body.minimum-1 Body.maximum Body.maximum+1 Body.not-integer.number "
     "Body.not-integer.string",
     "Body.2^31"},
    {"{\"type\":\"integer\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":10}", D20, ANY,
     "Body.exclusiveMinimum Body.exclusiveMinimum+1 Body.exclusiveMaximum Body.exclusiveMaximum-1",
     NULL},
    {"{\"type\":\"integer\",\"minimum\":0,\"exclusiveMinimum\":true,\"nullable\":true}", OAS, ANY,
     "Body.exclusiveMinimum Body.null Body.2^31 Body.2^32 Body.2^53 Body.2^63", "Body.-2^53"},
    {"{\"type\":\"integer\"}", D20, ANY, "Body.2^31 Body.-2^31-1 Body.2^53 Body.-2^53", NULL},
    {"{\"type\":\"integer\",\"format\":\"int32\"}", OAS, ANY,
     "Body.format.max Body.format.max+1 Body.format.min-1", "Body.2^31"},
    {"{\"type\":\"number\",\"minimum\":0.5,\"maximum\":2.5}", D20, ANY,
     "Body.minimum-1 Body.minimum-ulp Body.maximum Body.maximum+ulp", "Body.not-number.number"},
    {"{\"type\":\"number\",\"exclusiveMaximum\":1}", D20, ANY,
     "Body.exclusiveMaximum Body.exclusiveMaximum.inside Body.-2^53", NULL},
    {"{\"type\":\"number\"}", D20, ANY, "Body.max-double Body.min-subnormal", NULL},
    {"{\"type\":\"integer\",\"multipleOf\":5,\"minimum\":1}", D20, ANY,
     "Body.multipleOf Body.multipleOf.off", NULL},
    {"{\"type\":\"number\",\"multipleOf\":0.5}", D20, ANY, "Body.multipleOf Body.multipleOf.off",
     NULL},
    {"{\"enum\":[\"red\",\"green\",3]}", D20, ANY,
     "Body.enum[1] Body.enum[2] Body.not-enum Body.null Body.not-string.object", NULL},
    {"{\"const\":{\"a\":1}}", D20, ANY, "Body.not-const Body.null", NULL},
    {"{\"type\":\"boolean\"}", D20, ANY, "Body.true Body.not-boolean.string", NULL},
    {"{\"type\":[\"string\",\"null\"],\"maxLength\":3}", D20, ANY,
     "Body.null Body.maxLength+1 Body.not-string.integer", NULL},
    {"{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":{\"type\":\"string\"},"
     "\"b\":{\"type\":\"integer\"},\"c\":{\"type\":\"boolean\"}}}",
     D20, ANY,
     "Body.all-members a.missing b.present b.absent c.present c.absent b.not-integer.number "
     "Body.unknown.null Body.unknown.object Body.unknown.array Body.raw.truncated",
     NULL},
    {"{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},"
     "\"additionalProperties\":false}",
     D20, ANY, "Body.unknown-member a.present", "Body.unknown.null"},
    {"{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"maxLength\":2}}", D20,
     ANY, "Body.additional *.maxLength+1 *.not-string.integer", NULL},
    {"{\"type\":\"object\",\"minProperties\":1,\"maxProperties\":2,\"properties\":"
     "{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}}}",
     D20, ANY, "Body.maxProperties+1 Body.minProperties-1", NULL},
    {"{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"maximum\":3},\"minItems\":1,"
     "\"maxItems\":4,\"uniqueItems\":true}",
     D20, ANY,
     "Body.minItems-1 Body.maxItems Body.maxItems+1 Body.uniqueItems [0].maximum+1 "
     "[0].not-integer.string",
     NULL},
    {"{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],"
     "\"items\":false}",
     D20, ANY, "Body.items[0] Body.items[1] [1].not-integer.number Body.extra-item", NULL},
    {"{\"type\":\"array\",\"items\":[{\"type\":\"string\"}],\"additionalItems\":false}", OAS, ANY,
     "Body.items[0] Body.extra-item", NULL},
    {"{\"type\":\"array\",\"maxItems\":1000}", D20, ANY, "Body.minimal", "Body.maxItems"},
    {"{\"oneOf\":[{\"type\":\"string\",\"maxLength\":3},{\"type\":\"integer\",\"minimum\":10}]}",
     D20, ANY, "Body.oneOf[0] Body.oneOf[1] oneOf[0].maxLength oneOf[1].minimum", NULL},
    {"{\"type\":\"object\",\"required\":[\"kind\"],\"anyOf\":[{\"properties\":{\"kind\":"
     "{\"const\":\"a\"},\"x\":{\"type\":\"integer\"}}},{\"properties\":{\"kind\":{\"const\":\"b\"},"
     "\"y\":{\"type\":\"string\"}}}]}",
     D20, ANY, "Body.anyOf[0] Body.anyOf[1] anyOf[0].x.present anyOf[1].y.present", NULL},
    {"{\"allOf\":[{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":{\"type\":"
     "\"string\"}}},{\"required\":[\"b\"],\"properties\":{\"b\":{\"type\":\"integer\","
     "\"maximum\":9}}}]}",
     D20, ANY, "a.missing b.missing b.maximum+1", NULL},
    {"{\"$defs\":{\"name\":{\"type\":\"string\",\"maxLength\":4}},\"type\":\"object\","
     "\"required\":[\"n\"],\"properties\":{\"n\":{\"$ref\":\"#/$defs/name\"}}}",
     D20, ANY, "n.maxLength n.maxLength+1 n.missing", NULL},
    {"{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{\"id\":{\"type\":"
     "\"string\",\"readOnly\":true},\"name\":{\"type\":\"string\"},\"secret\":{\"type\":"
     "\"string\",\"writeOnly\":true}}}",
     OAS, CF_SCHEMA_REQUEST, "id.readOnly name.missing secret.present", "id.missing"},
    {"{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{\"type\":\"string\","
     "\"readOnly\":true},\"secret\":{\"type\":\"string\",\"writeOnly\":true}}}",
     OAS, CF_SCHEMA_RESPONSE, "id.missing secret.writeOnly", "secret.present"},
    {"{\"type\":\"string\",\"nullable\":true}", OAS, ANY, "Body.null Body.not-string.integer",
     NULL},
    {"true", D20, ANY, "Body.minimal Body.raw.empty", "Body.null"},
};

static int has_name(const cf_gen_list *l, const char *names, char *missing, size_t n)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", names);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        if (!cf_gen_list_find(l, t)) {
            snprintf(missing, n, "%s", t);
            return 0;
        }
    return 1;
}

Test(gen_keywords, every_keyword_gives_its_items_and_the_validator_agrees, .timeout = 60)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const kw_case *k = &cases[i];
        cf_gen_list l = {0};
        cf_gen_options o = {.seed = 11, .dialect = k->dialect, .direction = k->dir};
        char *why = gen_oracle_text(k->schema, &o, &l);
        cr_expect_null(why, "%s: %s", k->schema, why ? why : "");
        cr_expect_eq(l.dropped, 0, "%s: %zu dropped", k->schema, l.dropped);
        char missing[256] = "";
        cr_expect(has_name(&l, k->names, missing, sizeof missing), "%s: no item %s", k->schema,
                  missing);
        if (k->absent) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s", k->absent);
            for (char *save = NULL, *t = strtok_r(buf, " ", &save); t;
                 t = strtok_r(NULL, " ", &save))
                cr_expect_null(cf_gen_list_find(&l, t), "%s: unexpected item %s", k->schema, t);
        }
        free(why);
        cf_gen_list_cleanup(&l);
    }
}

Test(gen_keywords, a_complex_pattern_without_examples_is_noted_not_guessed, .timeout = 10)
{
    cf_gen_list l = {0};
    char *why = gen_oracle_text("{\"type\":\"string\",\"pattern\":\"^(?=a)b|c$\"}", NULL, &l);
    cr_expect_null(why, "%s", why ? why : "");
    cr_expect_eq(l.dropped, 0);
    for (size_t i = 0; i < l.count; i++)
        cr_expect_eq(l.items[i].valid, 0, "%s: a guessed positive", l.items[i].name);
    int noted = 0;
    for (size_t i = 0; i < l.notes.count; i++)
        noted |= strstr(l.notes.items[i].message, "no valid value") != NULL;
    cr_expect(noted, "the skipped positives are explained");
    free(why);
    cf_gen_list_cleanup(&l);
}

Test(gen_keywords, refs_resolve_in_the_document_given, .timeout = 10)
{
    cJSON *doc = cJSON_Parse("{\"components\":{\"schemas\":{\"Size\":{\"type\":\"integer\","
                             "\"minimum\":1,\"maximum\":9}}}}");
    cJSON *schema = cJSON_Parse("{\"type\":\"object\",\"required\":[\"s\"],\"properties\":{\"s\":"
                                "{\"$ref\":\"#/components/schemas/Size\"}}}");
    cf_gen_list l = {0};
    cf_gen_options o = {.seed = 1, .dialect = OAS, .document = doc};
    char *why = gen_oracle_run(schema, &o, &l);
    cr_expect_null(why, "%s", why ? why : "");
    cr_expect_not_null(cf_gen_list_find(&l, "s.maximum+1"));
    cr_expect_not_null(cf_gen_list_find(&l, "s.minimum-1"));
    free(why);
    cf_gen_list_cleanup(&l);
    cJSON_Delete(schema);
    cJSON_Delete(doc);
}
