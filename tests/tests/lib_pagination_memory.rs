//! Following 100,000 items through `items()` holds one page at a time: the
//! peak of live heap bytes (counted by this test binary's allocator) while
//! streaming 100,000 items is no larger than while streaming 10,000.
//!
//! Its own test binary, with one test, so that no other test's allocations
//! are counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use ttv_helix::Helix;
use ttv_mock::MockConfig;
use ttv_tests::{start_mock, MockClientConfig};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Streams up to `cap` items, counting them; returns the count and the peak
/// of live heap bytes above what was live when it started.
async fn stream_items(helix: &Helix<ttv_helix::App>, cap: usize) -> (usize, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut items = std::pin::pin!(helix.get_streams().first(100).items().take(cap));
    let mut count = 0;
    let mut viewers = 0i64;
    while let Some(item) = items.next().await {
        let item = item.expect("every page arrives");
        viewers += item.viewer_count;
        count += 1;
    }
    assert!(viewers > 0);
    (count, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_100_000_items_does_not_hold_them() {
    let mock = start_mock(MockConfig {
        // Every channel is live but pokimane's: 100,000 streams.
        users: 100_001,
        live_every: 1,
        follows_per_user: 0,
        games: 20,
        bucket_size: 1_000_000,
        ..MockConfig::default()
    })
    .await;
    let mut config = mock.client_config();
    config.timeout = Duration::from_secs(60);
    let helix = Helix::app(config).expect("app client");
    // Token, connection pool and buffers first, so they count in neither run.
    let (n, _) = stream_items(&helix, 300).await;
    assert_eq!(n, 300);

    let (ten_thousand, peak_small) = stream_items(&helix, 10_000).await;
    let (all, peak_all) = stream_items(&helix, usize::MAX).await;
    assert_eq!(ten_thousand, 10_000);
    assert_eq!(all, 100_000);
    // 100,000 items held at once would be well over 50 MB; one page is about
    // 100 kB (the in-process mock's own per-request buffers count here too).
    let mb = |b: usize| b as f64 / 1e6;
    assert!(
        peak_all <= peak_small + 2_000_000,
        "peak grew with the item count: {:.1} MB for 10,000, {:.1} MB for 100,000",
        mb(peak_small),
        mb(peak_all)
    );
    assert!(peak_all < 16_000_000, "peak {:.1} MB", mb(peak_all));
    eprintln!("peak live heap above start: {:.2} MB (10,000 items), {:.2} MB (100,000)", mb(peak_small), mb(peak_all));
}
