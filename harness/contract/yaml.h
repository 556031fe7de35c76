/* yaml.h - YAML documents (OpenAPI's other syntax) as cJSON trees, through libyaml, bounded,
 * with every node's line and column kept for messages. */
#ifndef CF_YAML_H
#define CF_YAML_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/rc.h"

/* Scalars follow the YAML 1.2 core schema: plain null/~/empty is null, true/false booleans,
 * decimal, 0x and 0o integers and decimal floats (.inf, .nan) numbers, everything else (and
 * every quoted or block scalar, or one tagged !!str) a string. Mapping keys must be scalars and
 * become their text as written ("200" stays "200"). Refused, with the line and column in err:
 * a syntax error; a duplicate key in one mapping (JSON objects would keep both, so which one
 * a reader picks would differ: we pick neither); a non-scalar key; a merge key "<<"; more
 * than one document; nesting deeper than `max_depth`; more than CF_MAX_YAML_NODES nodes after
 * alias expansion or CF_MAX_YAML_ALIASES alias uses (so an alias bomb stops early); an
 * undefined alias. An empty stream is the null value. */

typedef struct {
    const cJSON *node;
    unsigned line; /* 1-based */
    unsigned column;
} cf_yaml_mark;

/* Where each node of a parsed tree started. Nodes copied by alias expansion have no mark of
 * their own. Memory: owned by the struct; free with cf_yaml_marks_free() (accepts NULL). */
typedef struct {
    cf_yaml_mark *items; /* sorted by node address */
    size_t count;
    size_t cap;
} cf_yaml_marks;

/* Parses `len` bytes (need not be NUL-terminated). On success *out is the tree (the caller
 * cJSON_Delete()s it) and `marks` (may be NULL) is filled. On failure *out is NULL, marks is
 * empty and err says what and where ("line 3, column 5: duplicate key \"a\"").
 * Returns CF_OK, CF_E_INVALID, CF_E_TOO_DEEP, CF_E_TOO_LARGE, CF_E_NOMEM. */
CF_WUR cf_rc cf_yaml_parse(const char *buf, size_t len, int max_depth, cJSON **out,
                           cf_yaml_marks *marks, char *err, size_t errlen);

/* The mark of `node`; NULL when it has none. */
const cf_yaml_mark *cf_yaml_mark_find(const cf_yaml_marks *marks, const cJSON *node);
void cf_yaml_marks_free(cf_yaml_marks *marks);

#endif
