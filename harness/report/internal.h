/* internal.h - helpers the report writers share; private to report/. */
#ifndef CF_REPORT_INTERNAL_H
#define CF_REPORT_INTERNAL_H

#include <cjson/cJSON.h>

#include "base/rc.h"

/* Memory: returns a new cJSON item the caller adds to a tree (or deletes). */

/* A string item holding s made valid UTF-8 and cut to CF_REPORT_FIELD_MAX, or a null item when
 * s is NULL; NULL when out of memory. */
cJSON *cf_report_json_str(const char *s);

/* Adds cf_report_json_str(s) to obj under key; CF_E_NOMEM when it cannot. */
CF_WUR cf_rc cf_report_json_add_str(cJSON *obj, const char *key, const char *s);

#endif
