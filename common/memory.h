/* How much memory this machine has, for the checks that refuse a size a user asked for
 * (an FFT grid, a k-point mesh) before allocating it, with a message saying how much it
 * would take. */
#ifndef LS_MEMORY_H
#define LS_MEMORY_H

/* Physical memory in bytes (sysconf), or 0 when unknown. */
double ls_memory_physical_bytes(void);

#endif
