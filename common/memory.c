/* Physical memory of the machine; see memory.h. */
#define _POSIX_C_SOURCE 200809L
#include "common/memory.h"

#include <unistd.h>

double ls_memory_physical_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return 0.0;
    return (double)pages * (double)page;
}
