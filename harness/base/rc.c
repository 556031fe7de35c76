/* rc.c - text and names for result codes, generated from CF_RC_MAP. */
#include "base/rc.h"

const char *cf_strerror(cf_rc rc)
{
    switch (rc) {
#define CF_RC_TEXT(name, value, text)                                                              \
    case name:                                                                                     \
        return text;
        CF_RC_MAP(CF_RC_TEXT)
#undef CF_RC_TEXT
    }
    return "unknown error";
}

const char *cf_err_name(cf_rc rc)
{
    switch (rc) {
#define CF_RC_NAME(name, value, text)                                                              \
    case name:                                                                                     \
        return #name;
        CF_RC_MAP(CF_RC_NAME)
#undef CF_RC_NAME
    }
    return "CF_E_UNKNOWN";
}
