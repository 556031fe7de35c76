/* secrets_json.c - secrets hidden by JSON escapes, masked in a copy of the tree. */
#include "base/secrets.h"

#include <cjson/cJSON.h>

#include <stdlib.h>
#include <string.h>

#include "base/json.h"

/* Masks string values (and keys) of a JSON tree in place; returns how many held a secret. */
static size_t mask_tree(const cf_secrets *r, cJSON *v, int depth)
{
    size_t found = 0;
    if (!v || depth > 256)
        return 0;
    if (cJSON_IsString(v) && v->valuestring) {
        const char *s = v->valuestring;
        if (cf_secrets_finds(r, s, strlen(s))) {
            char *masked = cf_secrets_redact_dup(r, s, strlen(s), strlen(s) * 4 + 1024);
            if (!masked || !cJSON_SetValuestring(v, masked))
                cJSON_SetValuestring(v, "<redacted>");
            free(masked);
            found++;
        }
    }
    for (cJSON *c = v->child; c; c = c->next) {
        if (c->string && cf_secrets_finds(r, c->string, strlen(c->string))) {
            /* The copy owns its keys (cJSON_Duplicate never makes them const). */
            char *masked = cf_secrets_redact_dup(r, c->string, strlen(c->string), 4096);
            if (masked && !(c->type & cJSON_StringIsConst)) {
                free(c->string);
                c->string = masked;
            } else {
                free(masked);
            }
            found++;
        }
        found += mask_tree(r, c, depth + 1);
    }
    return found;
}

/* A decoded string or key that holds a secret (cf_json_any_string's predicate). */
static int finds(void *user, const char *s, size_t len)
{
    return cf_secrets_finds(user, s, len);
}

cJSON *cf_secrets_redact_json(const cf_secrets *r, const cJSON *json)
{
    if (!r || !cf_secrets_longest(r) || !json || !cf_json_any_string(json, finds, (void *)r, 256))
        return NULL;
    cJSON *copy = cJSON_Duplicate(json, 1);
    if (!copy)
        return NULL;
    if (mask_tree(r, copy, 0) == 0) {
        cJSON_Delete(copy);
        return NULL;
    }
    return copy;
}
