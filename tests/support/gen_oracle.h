/* gen_oracle.h - the generator tests' oracle: every item of a list held against a validator
 * compiled apart from the generator's, plus the list's own promises (unique names, caps). */
#ifndef CF_TEST_GEN_ORACLE_H
#define CF_TEST_GEN_ORACLE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "gen/gen.h"

/* Memory: the caller owns `out` (cf_gen_list_cleanup) and the returned message (free). */

/* Generates the items of `schema` into out (opt may be NULL) and checks them: a positive or
 * boundary item passes cf_schema_check, a negative fails it, a raw text fails to parse, names
 * are unique, no string is longer than CF_GEN_MAX_BOUND + 1 code points. Returns NULL when all
 * hold, else a message naming the first item that does not. */
char *gen_oracle_run(const cJSON *schema, const cf_gen_options *opt, cf_gen_list *out);

/* Same for a schema given as JSON text; the parsed schema lives until the next call. */
char *gen_oracle_text(const char *schema, const cf_gen_options *opt, cf_gen_list *out);

#endif
