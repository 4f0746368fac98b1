/* Small helpers of the store (campaign/store.c). */
#ifndef LS_CAMPAIGN_STORE_UTIL_H
#define LS_CAMPAIGN_STORE_UTIL_H

#include "common/structure.h"

/* A structure as extended-XYZ text (caller frees), and back (one frame; `what` names it). */
int campaign_structure_to_xyz(const ls_structure *s, char **text);
int campaign_structure_from_xyz(const char *text, const char *what, ls_structure **out);
/* 1 if a process of that id exists on this host. */
int campaign_process_alive(int pid);

#endif
