//! What the standard library gave a component and `no_std` does not: the
//! global allocator, `cabi_realloc` (the canonical ABI's allocator, which
//! std exports on wasm32-wasip2) and the panic handler. Everything else the
//! components use is `core`, `alloc` and WASI imports, so they carry no std
//! and no wasi-libc start-up (its environment, stdio and preopens): the
//! plugin is about 21 KB smaller (docs/performance.md, "Size with forty
//! actions").

use core::alloc::{GlobalAlloc, Layout};
use core::fmt::Write as _;

// wasi-libc's allocator (dlmalloc), as std's `System` uses it on WASI.
#[link(name = "c")]
unsafe extern "C" {
    fn malloc(size: usize) -> *mut u8;
    fn calloc(count: usize, size: usize) -> *mut u8;
    fn aligned_alloc(align: usize, size: usize) -> *mut u8;
    fn realloc(ptr: *mut u8, size: usize) -> *mut u8;
    fn free(ptr: *mut u8);
}

/// The alignment `malloc` guarantees on wasm32 (wasi-libc's `MALLOC_ALIGNMENT`).
const MALLOC_ALIGN: usize = 16;

/// The global allocator: wasi-libc's `malloc`, as std's `System` on WASI.
struct Libc;

// SAFETY: each method forwards to the C allocator with a size and an
// alignment it supports, as `GlobalAlloc`'s contract asks; `aligned_alloc`
// takes any power-of-two alignment.
unsafe impl GlobalAlloc for Libc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= MALLOC_ALIGN {
                malloc(layout.size())
            } else {
                aligned_alloc(layout.align(), layout.size())
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl; `calloc` skips zeroing memory that is
        // already zero (fresh from `memory.grow`), as std's `System` uses it.
        unsafe {
            if layout.align() <= MALLOC_ALIGN {
                calloc(1, layout.size())
            } else {
                let ptr = self.alloc(layout);
                if !ptr.is_null() {
                    core::ptr::write_bytes(ptr, 0, layout.size());
                }
                ptr
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator.
        unsafe { free(ptr) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`; a larger
        // alignment than `realloc` keeps is handled by a copy.
        unsafe {
            if layout.align() <= MALLOC_ALIGN {
                return realloc(ptr, new_size);
            }
            let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                free(ptr);
            }
            new
        }
    }
}

#[global_allocator]
static ALLOCATOR: Libc = Libc;

/// The canonical ABI's allocator: the host calls it to place strings and
/// lists it hands to an export, or that an import returns.
///
/// # Safety
/// Called by the host as the canonical ABI specifies: `old_ptr`/`old_len`
/// name an earlier allocation of this function with `align` (or are 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cabi_realloc(
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    if new_len == 0 {
        return align as *mut u8;
    }
    // SAFETY: the canonical ABI passes a power-of-two alignment and a size
    // that fits memory; `old_ptr` is ours when `old_len` is not 0.
    let new = unsafe {
        let layout = Layout::from_size_align_unchecked(new_len, align);
        if old_len == 0 {
            alloc::alloc::alloc(layout)
        } else {
            alloc::alloc::realloc(
                old_ptr,
                Layout::from_size_align_unchecked(old_len, align),
                new_len,
            )
        }
    };
    if new.is_null() {
        core::arch::wasm32::unreachable()
    }
    new
}

/// A panic is a bug: its message goes to stderr and the instance traps, as
/// std's `panic = "abort"` did. The message is formatted into a fixed buffer,
/// so that a panic about memory does not allocate.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let mut line = Line {
        bytes: [0; 1024],
        len: 0,
    };
    let _ = writeln!(line, "heygen-plugin: {info}");
    let _ = wasip2::cli::stderr::get_stderr().blocking_write_and_flush(&line.bytes[..line.len]);
    core::arch::wasm32::unreachable()
}

/// A fixed buffer that keeps what fits.
struct Line {
    bytes: [u8; 1024],
    len: usize,
}

impl core::fmt::Write for Line {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        let room = self.bytes.len() - self.len;
        let take = text.len().min(room);
        self.bytes[self.len..self.len + take].copy_from_slice(&text.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}
