/* test_gen.c - the generator on the bundled Connect Participant specs: the validator agrees with
 * every item, names are stable, two runs with one seed are byte-identical, caps hold, and a
 * request's parameters get their own items. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/limits.h"
#include "contract/spec.h"
#include "gen/gen.h"
#include "gen_oracle.h"
#include "base/utf8.h"

#define SPECS CONFORM_SOURCE_DIR "/specs/connect-participant/"

static const char *const bundled[] = {SPECS "start-attachment-upload.json",
                                      SPECS "start-attachment-upload.aws.json"};

/* The request body and both response schemas of a spec, with the direction each is read in. */
static void schemas_of(const cf_spec *spec, const cJSON *out[3], cf_schema_direction dir[3])
{
    out[0] = spec->op.body_schema;
    out[1] = spec->resp.success_schema;
    out[2] = spec->resp.error_schema;
    dir[0] = CF_SCHEMA_REQUEST;
    dir[1] = dir[2] = CF_SCHEMA_RESPONSE;
}

static cf_spec *load(const char *file)
{
    cf_spec *spec = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cr_assert_eq(cf_spec_load_file(file, &spec, &d), CF_OK, "%s does not load", file);
    cf_diags_cleanup(&d);
    return spec;
}

/* The request body items of a bundled spec with these options. */
static void body_items(const char *file, const cf_gen_options *o, cf_gen_list *l)
{
    cf_spec *spec = load(file);
    cr_assert_eq(cf_gen_schema(spec->op.body_schema, "Body", CF_GEN_IN_BODY, NULL, o, l), CF_OK);
    cf_spec_free(spec);
}

static char *written(const cf_gen_list *l)
{
    cf_buf b;
    cf_buf_init(&b, 64u * 1024u * 1024u);
    cr_assert_eq(cf_gen_list_write(l, &b), CF_OK);
    char *s = cf_buf_take(&b);
    cf_buf_free(&b);
    return s ? s : calloc(1, 1);
}

Test(gen, bundled_schemas_agree_with_the_validator_and_lose_nothing, .timeout = 30)
{
    for (size_t f = 0; f < sizeof bundled / sizeof bundled[0]; f++) {
        cf_spec *spec = load(bundled[f]);
        const cJSON *schemas[3];
        cf_schema_direction dir[3];
        schemas_of(spec, schemas, dir);
        for (size_t i = 0; i < 3; i++) {
            cr_assert_not_null(schemas[i]);
            cf_gen_list l = {0};
            cf_gen_options o = {0};
            o.seed = 42;
            o.direction = dir[i];
            char *why = gen_oracle_run(schemas[i], &o, &l);
            cr_expect_null(why, "%s schema %zu: %s", bundled[f], i, why ? why : "");
            cr_expect_eq(l.dropped, 0, "%s schema %zu: %zu items dropped", bundled[f], i,
                         l.dropped);
            cr_expect_eq(l.capped, 0);
            cr_expect_gt(l.count, 40, "%s schema %zu: only %zu items", bundled[f], i, l.count);
            size_t kinds[3] = {0};
            for (size_t k = 0; k < l.count; k++)
                kinds[l.items[k].kind]++;
            cr_expect(kinds[CF_GEN_POSITIVE] && kinds[CF_GEN_BOUNDARY] && kinds[CF_GEN_NEGATIVE]);
            free(why);
            cf_gen_list_cleanup(&l);
        }
        cf_spec_free(spec);
    }
}

Test(gen, the_request_body_gets_the_named_items_the_issue_promises, .timeout = 30)
{
    static const char *const names[] = {
        "Body.minimal",
        "Body.not-object.array",
        "Body.null",
        "Body.unknown.null",
        "Body.unknown.object",
        "Body.unknown.array",
        "Body.raw.truncated",
        "Body.raw.trailing-comma",
        "AttachmentName.maxLength",
        "AttachmentName.maxLength+1",
        "AttachmentName.minLength-1",
        "AttachmentName.missing",
        "AttachmentName.not-string.integer",
        "AttachmentName.json-meta.min",
        "AttachmentName.json-meta.max",
        "AttachmentName.control.max",
        "AttachmentName.emoji.max",
        "AttachmentName.combining.min",
        "AttachmentName.rtl.max",
        "AttachmentName.shell-meta.min",
        "AttachmentName.html-meta.max",
        "AttachmentName.cjk.max",
        "AttachmentName.accented.min",
        "ContentType.enum[2]",
        "ContentType.enum[15]",
        "ContentType.not-enum",
        "AttachmentSizeInBytes.maximum",
        "AttachmentSizeInBytes.maximum+1",
        "AttachmentSizeInBytes.minimum-1",
        "AttachmentSizeInBytes.not-integer.number",
        "ClientToken.maxLength+1",
    };
    cf_gen_list l = {0};
    cf_gen_options o = {.seed = 1, .direction = CF_SCHEMA_REQUEST};
    body_items(bundled[1], &o, &l);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        cr_expect_not_null(cf_gen_list_find(&l, names[i]), "no item %s", names[i]);
    const cf_gen_item *it = cf_gen_list_find(&l, "AttachmentName.maxLength");
    const cJSON *v = cJSON_GetObjectItem(it->value, "AttachmentName");
    cr_expect_eq(cf_utf8_length(v->valuestring, strlen(v->valuestring)), 256);
    it = cf_gen_list_find(&l, "AttachmentName.emoji.max");
    v = cJSON_GetObjectItem(it->value, "AttachmentName");
    cr_expect_eq(cf_utf8_length(v->valuestring, strlen(v->valuestring)), 256, "code points");
    cr_expect_gt(strlen(v->valuestring), 256 * 3, "astral characters are 4 bytes each");
    it = cf_gen_list_find(&l, "Body.raw.trailing-comma");
    cr_expect(it->raw && !it->value && !it->valid && it->kind == CF_GEN_NEGATIVE);
    cf_gen_list_cleanup(&l);
}

Test(gen, one_seed_gives_byte_identical_lists_another_changes_only_random_values, .timeout = 30)
{
    cf_spec *spec = load(bundled[0]);
    const cJSON *schemas[3];
    cf_schema_direction dir[3];
    schemas_of(spec, schemas, dir);
    for (size_t i = 0; i < 3; i++) {
        cf_gen_list a = {0}, b = {0}, c = {0};
        cf_gen_options o = {.seed = 7, .direction = dir[i]};
        cr_assert_eq(cf_gen_schema(schemas[i], "Body", CF_GEN_IN_BODY, NULL, &o, &a), CF_OK);
        cr_assert_eq(cf_gen_schema(schemas[i], "Body", CF_GEN_IN_BODY, NULL, &o, &b), CF_OK);
        o.seed = 8;
        cr_assert_eq(cf_gen_schema(schemas[i], "Body", CF_GEN_IN_BODY, NULL, &o, &c), CF_OK);
        char *ta = written(&a), *tb = written(&b), *tc = written(&c);
        cr_expect_str_eq(ta, tb, "schema %zu: two runs with one seed differ", i);
        cr_expect_str_neq(ta, tc, "schema %zu: the seed changes nothing", i);
        cr_assert_eq(a.count, c.count);
        size_t random = 0;
        for (size_t k = 0; k < a.count; k++) {
            cr_expect_str_eq(a.items[k].name, c.items[k].name, "names depend on the seed");
            cr_expect_eq(a.items[k].random, c.items[k].random);
            random += a.items[k].random;
            if (!a.items[k].random && a.items[k].value)
                cr_expect(cJSON_Compare(a.items[k].value, c.items[k].value, 1),
                          "%s: a fixed item changed with the seed", a.items[k].name);
        }
        cr_expect_gt(random, 0);
        free(ta);
        free(tb);
        free(tc);
        cf_gen_list_cleanup(&a);
        cf_gen_list_cleanup(&b);
        cf_gen_list_cleanup(&c);
    }
    cf_spec_free(spec);
}

Test(gen, max_items_stops_generation_and_says_so, .timeout = 10)
{
    cf_gen_list l = {0};
    cf_gen_options o = {.seed = 1, .max_items = 10, .direction = CF_SCHEMA_REQUEST};
    body_items(bundled[0], &o, &l);
    cr_expect_leq(l.count, 10);
    cr_expect_eq(l.capped, 1);
    cr_expect_gt(l.notes.count, 0);
    cr_expect_not_null(strstr(l.notes.items[0].message, "max_items"));
    cf_gen_list_cleanup(&l);
}

Test(gen, a_huge_max_length_is_not_built_and_is_noted, .timeout = 10)
{
    cf_gen_list l = {0};
    char *why =
        gen_oracle_text("{\"type\":\"string\",\"minLength\":2,\"maxLength\":1000000}", NULL, &l);
    cr_expect_null(why, "%s", why ? why : "");
    cr_expect_null(cf_gen_list_find(&l, "Body.maxLength"));
    cr_expect_null(cf_gen_list_find(&l, "Body.maxLength+1"));
    cr_expect_not_null(cf_gen_list_find(&l, "Body.minLength-1"));
    const cf_gen_item *it = cf_gen_list_find(&l, "Body.emoji.max");
    cr_assert_not_null(it);
    cr_expect_eq(cf_utf8_length(it->value->valuestring, strlen(it->value->valuestring)),
                 CF_GEN_MAX_STRING);
    cr_expect_eq(l.notes.count, 1);
    cr_expect_not_null(strstr(l.notes.items[0].message, "cap"));
    free(why);
    cf_gen_list_cleanup(&l);
    /* At the cap itself the bound is still built, to the code point. */
    char schema[128];
    snprintf(schema, sizeof schema, "{\"type\":\"string\",\"maxLength\":%u}", CF_GEN_MAX_BOUND);
    why = gen_oracle_text(schema, NULL, &l);
    cr_expect_null(why, "%s", why ? why : "");
    it = cf_gen_list_find(&l, "Body.maxLength");
    cr_assert_not_null(it);
    cr_expect_eq(strlen(it->value->valuestring), CF_GEN_MAX_BOUND);
    free(why);
    cf_gen_list_cleanup(&l);
}

Test(gen, recursion_through_ref_ends, .timeout = 10)
{
    cf_gen_list l = {0};
    const char *tree = "{\"$defs\":{\"node\":{\"type\":\"object\",\"required\":[\"v\"],"
                       "\"properties\":{\"v\":{\"type\":\"integer\"},\"kids\":{\"type\":\"array\","
                       "\"items\":{\"$ref\":\"#/$defs/node\"}}}}},\"$ref\":\"#/$defs/node\"}";
    char *why = gen_oracle_text(tree, NULL, &l);
    cr_expect_null(why, "%s", why ? why : "");
    cr_expect_eq(l.dropped, 0);
    cr_expect_not_null(cf_gen_list_find(&l, "kids[0].v.missing"));
    cr_expect_not_null(cf_gen_list_find(&l, "kids[0].kids[0].v.2^31"),
                       "the walk goes a few levels down");
    cr_expect_lt(l.count, CF_GEN_MAX_ITEMS + 1);
    free(why);
    cf_gen_list_cleanup(&l);
    /* A required self-reference has no finite instance: nothing valid, no hang. */
    why = gen_oracle_text("{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":"
                          "{\"$ref\":\"#\"}}}",
                          NULL, &l);
    cr_expect_null(why, "%s", why ? why : "");
    for (size_t i = 0; i < l.count; i++)
        cr_expect_eq(l.items[i].valid, 0, "%s", l.items[i].name);
    free(why);
    cf_gen_list_cleanup(&l);
}

Test(gen, request_items_name_parameters_by_place_and_build_a_base, .timeout = 10)
{
    cJSON *body = cJSON_Parse("{\"type\":\"object\",\"required\":[\"a\"],\"properties\":"
                              "{\"a\":{\"type\":\"string\",\"maxLength\":3}}}");
    cJSON *limit = cJSON_Parse("{\"type\":\"integer\",\"minimum\":1,\"maximum\":100}");
    cJSON *id = cJSON_Parse("{\"type\":\"string\",\"format\":\"uuid\"}");
    cJSON *trace = cJSON_Parse("{\"type\":\"string\",\"pattern\":\"^[a-f0-9]{8}$\"}");
    cf_gen_param params[] = {{"limit", CF_GEN_IN_QUERY, limit, 0},
                             {"id", CF_GEN_IN_PATH, id, 1},
                             {"X-Trace", CF_GEN_IN_HEADER, trace, 1}};
    cf_gen_request req = {body, params, 3};
    cf_gen_list l = {0};
    cf_gen_options o = {.seed = 3, .direction = CF_SCHEMA_REQUEST};
    cr_assert_eq(cf_gen_request_items(&req, &o, &l), CF_OK);
    static const char *const names[] = {"Body.minimal",           "a.maxLength+1",
                                        "Body.raw.empty",         "query.limit.maximum+1",
                                        "query.limit.absent",     "query.limit.not-integer.number",
                                        "path.id.format.invalid", "path.id.missing",
                                        "header.X-Trace.minimal", "header.X-Trace.pattern.mismatch",
                                        "header.X-Trace.missing"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        cr_expect_not_null(cf_gen_list_find(&l, names[i]), "no item %s", names[i]);
    const cf_gen_item *it = cf_gen_list_find(&l, "query.limit.maximum+1");
    cr_expect_eq(it->in, CF_GEN_IN_QUERY);
    cr_expect_str_eq(it->param, "limit");
    cr_expect_eq(it->value->valuedouble, 101);
    it = cf_gen_list_find(&l, "path.id.missing");
    cr_expect(it->absent && !it->valid && !it->value);
    cr_expect_null(cf_gen_list_find(&l, "query.limit.raw.empty"), "raw bodies are the body's");
    cr_expect_not_null(cJSON_GetObjectItem(l.base, "body"));
    cr_expect_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(l.base, "path"), "id"));
    cr_expect_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(l.base, "header"), "X-Trace"));
    cr_expect_null(cJSON_GetObjectItem(cJSON_GetObjectItem(l.base, "query"), "limit"),
                   "optional parameters are left out of the base");
    for (size_t i = 0; i < l.count; i++)
        for (size_t j = 0; j < i; j++)
            cr_expect_str_neq(l.items[i].name, l.items[j].name);
    cf_gen_list_cleanup(&l);
    cJSON_Delete(body);
    cJSON_Delete(limit);
    cJSON_Delete(id);
    cJSON_Delete(trace);
}

Test(gen, positive_only_leaves_negatives_out, .timeout = 10)
{
    cf_gen_list l = {0};
    cf_gen_options o = {.seed = 1, .no_negative = 1, .direction = CF_SCHEMA_REQUEST};
    body_items(bundled[0], &o, &l);
    cr_expect_gt(l.count, 20);
    for (size_t i = 0; i < l.count; i++)
        cr_expect(l.items[i].valid && l.items[i].kind != CF_GEN_NEGATIVE, "%s", l.items[i].name);
    cf_gen_list_cleanup(&l);
}

Test(gen, written_lines_are_json_one_item_each, .timeout = 10)
{
    cf_gen_list l = {0};
    cf_gen_options o = {.seed = 5, .direction = CF_SCHEMA_REQUEST};
    body_items(bundled[0], &o, &l);
    char *text = written(&l);
    size_t lines = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), lines++) {
        cJSON *v = cJSON_Parse(line);
        cr_assert_not_null(v, "line %zu is not JSON", lines);
        const cf_gen_item *it = &l.items[lines];
        cr_expect_str_eq(cJSON_GetObjectItem(v, "name")->valuestring, it->name);
        cr_expect_str_eq(cJSON_GetObjectItem(v, "kind")->valuestring, cf_gen_kind_name(it->kind));
        cr_expect_eq(cJSON_IsTrue(cJSON_GetObjectItem(v, "valid")), it->valid);
        if (it->raw)
            cr_expect_str_eq(cJSON_GetObjectItem(v, "raw")->valuestring, it->raw);
        else
            cr_expect(cJSON_Compare(cJSON_GetObjectItem(v, "value"), it->value, 1));
        cJSON_Delete(v);
    }
    cr_expect_eq(lines, l.count);
    free(text);
    cf_gen_list_cleanup(&l);
}

Test(gen, a_key_given_twice_still_gives_unique_names, .timeout = 10)
{
    cf_gen_list l = {0};
    char *why = gen_oracle_text("{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{"
                                "\"a\":{\"type\":\"string\"},\"a\":{\"type\":\"string\"}}}",
                                NULL, &l);
    cr_expect_null(why, "%s", why ? why : "");
    cr_expect_not_null(cf_gen_list_find(&l, "a.null"));
    cr_expect_not_null(cf_gen_list_find(&l, "a.null#2"), "the second \"a\" is walked too");
    free(why);
    cf_gen_list_cleanup(&l);
}
