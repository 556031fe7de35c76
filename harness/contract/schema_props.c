/* schema_props.c - an object schema's properties found by name in constant time: a hash index
 * built when the schema is compiled, so validating an object of M members costs M lookups,
 * not M scans of the property list (GitHub's repository schema has ~90 properties and ~80
 * required names), and required names are checked against one pass over the members. */
#include "contract/schema_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One slot of the open-addressing table: the name's hash and length, and its index in props
 * plus one (0: an empty slot). */
struct cf_schema_prop_slot {
    uint32_t hash;
    uint32_t at;
    size_t len;
};

/* The length and the first and last eight bytes (four, or each byte, when shorter): a few
 * instructions, no loop, as this runs once per member validated. Names that agree on those
 * only share a probe sequence; the table stays at most half full. */
static uint32_t hash_of(const char *s, size_t len)
{
    const uint64_t k = 0x9E3779B97F4A7C15u;
    uint64_t a = 0, b = 0;
    uint32_t a4, b4;
    if (len >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + len - 8, 8);
    } else if (len >= 4) {
        memcpy(&a4, s, 4);
        memcpy(&b4, s + len - 4, 4);
        a = a4;
        b = b4;
    } else {
        for (size_t i = 0; i < len; i++)
            a = a << 8 | (unsigned char)s[i];
    }
    uint64_t h = ((a * k) ^ b ^ len) * k;
    return (uint32_t)(h >> 32);
}

size_t cf_schema_property_at(const cf_schema_node *n, const char *key)
{
    if (!n->prop_slots) {
        for (size_t k = 0; k < n->n_props; k++)
            if (strcmp(n->props[k].name, key) == 0)
                return k;
        return n->n_props;
    }
    size_t len = strlen(key);
    uint32_t h = hash_of(key, len);
    size_t mask = n->prop_mask;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const struct cf_schema_prop_slot *slot = &n->prop_slots[i];
        if (!slot->at)
            return n->n_props;
        if (slot->hash == h && slot->len == len &&
            memcmp(n->props[slot->at - 1].name, key, len) == 0)
            return slot->at - 1;
    }
}

cf_rc cf_schema_props_index(cf_schema_node *n)
{
    if (n->n_props == 0 || n->n_props > UINT32_MAX / 4)
        return CF_OK; /* none, or too many for the table: lookups scan */
    size_t size = 8;
    while (size < 2 * n->n_props)
        size *= 2; /* at most half full: probes stay short */
    n->prop_slots = calloc(size, sizeof(*n->prop_slots));
    if (!n->prop_slots)
        return CF_E_NOMEM;
    n->prop_mask = size - 1;
    for (size_t k = 0; k < n->n_props; k++) {
        /* in document order, skipping a repeated name: the first one counts */
        if (cf_schema_property_at(n, n->props[k].name) < n->n_props)
            continue;
        size_t len = strlen(n->props[k].name);
        uint32_t h = hash_of(n->props[k].name, len);
        size_t i = h & n->prop_mask;
        while (n->prop_slots[i].at)
            i = (i + 1) & n->prop_mask;
        n->prop_slots[i].hash = h;
        n->prop_slots[i].at = (uint32_t)k + 1;
        n->prop_slots[i].len = len;
    }
    int count = n->required ? cJSON_GetArraySize(n->required) : 0;
    /* a short list is checked as fast by looking each name up among the members */
    if (count < CF_SCHEMA_REQUIRED_INDEXED || n->n_props > CF_SCHEMA_PRESENT_MAX)
        return CF_OK;
    n->required_at = malloc((size_t)count * sizeof(*n->required_at));
    if (!n->required_at)
        return CF_E_NOMEM;
    size_t j = 0;
    for (const cJSON *r = n->required->child; r; r = r->next, j++) {
        size_t at = cf_schema_property_at(n, r->valuestring);
        n->required_at[j] = at < n->n_props ? at : (size_t)-1;
    }
    return CF_OK;
}

int cf_schema_required_present(const cf_schema_node *n, const cJSON *inst)
{
    if (!n->required_at) {
        for (const cJSON *r = n->required->child; r; r = r->next)
            if (!cJSON_GetObjectItemCaseSensitive(inst, r->valuestring))
                return 0;
        return 1;
    }
    /* which properties the object has, in one pass over its members; this frame is gone before
     * the validator recurses, so the bitmap does not grow its stack per nesting level */
    unsigned char bits[CF_SCHEMA_PRESENT_MAX / 8];
    memset(bits, 0, (n->n_props + 7) / 8);
    for (const cJSON *m = inst->child; m; m = m->next) {
        size_t at = cf_schema_property_at(n, m->string ? m->string : "");
        if (at < n->n_props)
            bits[at / 8] |= (unsigned char)(1u << (at % 8));
    }
    size_t j = 0;
    for (const cJSON *r = n->required->child; r; r = r->next, j++) {
        size_t at = n->required_at[j];
        if (at == (size_t)-1 ? !cJSON_GetObjectItemCaseSensitive(inst, r->valuestring)
                             : !((bits[at / 8] >> (at % 8)) & 1))
            return 0;
    }
    return 1;
}
