//! A 64-bit perceptual hash: the signs of the lowest 8×8 frequencies of a 32×32 grey copy
//! against their median (the "pHash" DCT method). Re-encoding, resizing and small edits change
//! a few bits; a different scene changes about half. The same house photographed twice and
//! submitted as two households is found by a small Hamming distance.

use image::{GrayImage, RgbImage, imageops};

const N: usize = 32;
const KEEP: usize = 8;

/// The hash of an (already oriented) image.
#[must_use]
pub fn of(image: &RgbImage) -> u64 {
    let grey: GrayImage = imageops::grayscale(image);
    #[expect(clippy::cast_possible_truncation, reason = "N is 32")]
    let small = imageops::resize(&grey, N as u32, N as u32, imageops::FilterType::Triangle);
    let pixels: Vec<f64> = small.as_raw().iter().map(|&p| f64::from(p)).collect();
    let coefficients = dct_low(&pixels);
    let mut ac: Vec<f64> = coefficients[1..].to_vec();
    ac.sort_by(f64::total_cmp);
    // 63 AC coefficients: the middle one is the median.
    let median = ac[ac.len() / 2];
    coefficients.iter().enumerate().fold(
        0u64,
        |hash, (i, &c)| if c > median { hash | 1 << i } else { hash },
    )
}

/// The lowest `KEEP`×`KEEP` coefficients of the 2-D DCT-II of an `N`×`N` block, row by row.
fn dct_low(pixels: &[f64]) -> Vec<f64> {
    #[expect(clippy::cast_precision_loss, reason = "small integers")]
    let basis: Vec<f64> = (0..KEEP * N)
        .map(|i| {
            let (k, x) = (i / N, i % N);
            (std::f64::consts::PI / N as f64 * (x as f64 + 0.5) * k as f64).cos()
        })
        .collect();
    // Rows first: KEEP coefficients of each of the N rows.
    let mut rows = vec![0.0; N * KEEP];
    for y in 0..N {
        for k in 0..KEEP {
            rows[y * KEEP + k] = (0..N).map(|x| pixels[y * N + x] * basis[k * N + x]).sum();
        }
    }
    let mut out = vec![0.0; KEEP * KEEP];
    for ky in 0..KEEP {
        for kx in 0..KEEP {
            out[ky * KEEP + kx] = (0..N)
                .map(|y| rows[y * KEEP + kx] * basis[ky * N + y])
                .sum();
        }
    }
    out
}

/// Bits that differ between two hashes.
#[must_use]
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}
