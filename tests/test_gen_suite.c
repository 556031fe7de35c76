/* test_gen_suite.c - the generator on the schemas of the official JSON-Schema-Test-Suite
 * (draft2020-12) whose keywords it supports: the validator agrees with every item handed out,
 * and nothing is dropped except in the groups of the one table below. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "base/json.h"
#include "gen/gen.h"
#include "gen_oracle.h"

#define SUITE_DIR CONFORM_SOURCE_DIR "/tests/data/JSON-Schema-Test-Suite/tests/draft2020-12"

/* Groups where the generator builds items the validator refuses (dropped and counted, never
 * handed out), and why. */
static const struct {
    const char *file, *group, *why;
} lossy[] = {
    {"oneOf.json", "oneOf", "branches overlap: a value built for one also matches another"},
    {"oneOf.json", "oneOf with base schema", "branches overlap"},
    {"oneOf.json", "oneOf with boolean schemas, all true", "every branch matches everything"},
    {"oneOf.json", "oneOf with boolean schemas, more than one true", "branches overlap"},
    {"oneOf.json", "oneOf with empty schema", "the empty branch matches everything"},
    {"allOf.json", "allOf combined with anyOf, oneOf", "branches overlap"},
    {"uniqueItems.json", "uniqueItems with an array of items",
     "two boolean slots: varying one makes it equal the other"},
    {"uniqueItems.json", "uniqueItems with an array of items and additionalItems=false",
     "two boolean slots: varying one makes it equal the other"},
    {"additionalProperties.json", "additionalProperties does not look in applicators",
     "allOf is merged into one view; additionalProperties does not see into allOf"},
    {"items.json", "items does not look in applicators, valid case",
     "allOf is merged into one view; items does not see into allOf"},
};

static const char *const supported_keywords[] = {"type",
                                                 "properties",
                                                 "required",
                                                 "additionalProperties",
                                                 "items",
                                                 "prefixItems",
                                                 "enum",
                                                 "const",
                                                 "minLength",
                                                 "maxLength",
                                                 "minItems",
                                                 "maxItems",
                                                 "minProperties",
                                                 "maxProperties",
                                                 "minimum",
                                                 "maximum",
                                                 "exclusiveMinimum",
                                                 "exclusiveMaximum",
                                                 "multipleOf",
                                                 "pattern",
                                                 "format",
                                                 "oneOf",
                                                 "anyOf",
                                                 "allOf",
                                                 "$ref",
                                                 "$defs",
                                                 "readOnly",
                                                 "writeOnly",
                                                 "uniqueItems",
                                                 "description",
                                                 "$schema",
                                                 "$comment",
                                                 "title",
                                                 "default",
                                                 "examples",
                                                 NULL};

static int keyword_ok(const char *k)
{
    for (size_t i = 0; supported_keywords[i]; i++)
        if (strcmp(supported_keywords[i], k) == 0)
            return 1;
    return 0;
}

/* 1 when every keyword of the schema and its subschemas is one the generator reads. */
static int supported(const cJSON *s)
{
    if (cJSON_IsBool(s))
        return 1;
    if (!cJSON_IsObject(s))
        return 0;
    const cJSON *k, *e;
    cJSON_ArrayForEach(k, s)
    {
        const char *n = k->string;
        if (!keyword_ok(n))
            return 0;
        if (strcmp(n, "properties") == 0 || strcmp(n, "$defs") == 0) {
            cJSON_ArrayForEach(e, k) if (!supported(e)) return 0;
        } else if (strcmp(n, "items") == 0 || strcmp(n, "additionalProperties") == 0) {
            if (!supported(k))
                return 0;
        } else if (strcmp(n, "prefixItems") == 0 || strcmp(n, "oneOf") == 0 ||
                   strcmp(n, "anyOf") == 0 || strcmp(n, "allOf") == 0) {
            cJSON_ArrayForEach(e, k) if (!supported(e)) return 0;
        }
    }
    return 1;
}

static const char *lossy_why(const char *file, const char *group)
{
    for (size_t i = 0; i < sizeof lossy / sizeof lossy[0]; i++)
        if (strcmp(lossy[i].file, file) == 0 && strcmp(lossy[i].group, group) == 0)
            return lossy[i].why;
    return NULL;
}

static cJSON *read_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = malloc(1u << 20);
    size_t n = fread(buf, 1, 1u << 20, f);
    fclose(f);
    cJSON *out = NULL;
    cr_assert_eq(cf_json_parse(buf, n, 64, &out, NULL), CF_OK, "%s", path);
    free(buf);
    return out;
}

Test(gen_suite, the_validator_agrees_with_every_item_of_every_supported_schema, .timeout = 120)
{
    DIR *d = opendir(SUITE_DIR);
    cr_assert_not_null(d);
    size_t groups = 0, items = 0, dropped = 0, lossy_seen = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", SUITE_DIR, de->d_name);
        cJSON *root = read_json(path);
        const cJSON *g;
        cJSON_ArrayForEach(g, root)
        {
            const cJSON *schema = cJSON_GetObjectItem(g, "schema");
            const char *group = cJSON_GetObjectItem(g, "description")->valuestring;
            if (!supported(schema))
                continue;
            cf_gen_list l = {0};
            cf_gen_options o = {.seed = 2020};
            char *why = gen_oracle_run(schema, &o, &l);
            cr_expect_null(why, "%s / %s: %s", de->d_name, group, why ? why : "");
            const char *excuse = lossy_why(de->d_name, group);
            if (!excuse)
                cr_expect_eq(l.dropped, 0, "%s / %s: %zu items dropped", de->d_name, group,
                             l.dropped);
            lossy_seen += excuse != NULL;
            groups++;
            items += l.count;
            dropped += l.dropped;
            free(why);
            cf_gen_list_cleanup(&l);
        }
        cJSON_Delete(root);
    }
    closedir(d);
    cr_log_info("%zu schemas, %zu items, %zu dropped (all in the %zu lossy groups)", groups, items,
                dropped, lossy_seen);
    cr_expect_geq(groups, 150, "the sample shrank to %zu schemas", groups);
    cr_expect_eq(lossy_seen, sizeof lossy / sizeof lossy[0], "a lossy group is no longer sampled");
    cr_expect_geq(items, 20 * groups);
}
