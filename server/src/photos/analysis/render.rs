//! Decoding and the derived images: thumbnails of at most 1024 px and 256 px (the longest
//! side), the EXIF orientation applied, no metadata carried over (so no GPS), and a perceptual
//! hash.
//!
//! A JPEG is decoded already scaled down in the DCT (1/2 to 1/8, the smallest scale still at
//! least 960 px): a 12-megapixel photo never exists in memory at full size.

use std::borrow::Cow;

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{ImageReader, RgbImage};
use mozjpeg::ColorSpace;
use mozjpeg::decompress::Format;

use super::format::{ImageFormat, Limits};
use super::phash;

/// The longest side of the large thumbnail.
pub const LARGE: u32 = 1024;
/// The longest side of the small thumbnail.
pub const SMALL: u32 = 256;
/// JPEG quality of the thumbnails.
const QUALITY: u8 = 80;

/// The derived images of a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Width and height as seen (after orientation).
    pub size: (u32, u32),
    /// JPEG, longest side at most [`LARGE`].
    pub large: Vec<u8>,
    /// JPEG, longest side at most [`SMALL`].
    pub small: Vec<u8>,
    /// 64-bit perceptual hash (DCT of a 32×32 grey version).
    pub phash: u64,
}

/// Why the pixels could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

fn fail(e: impl std::fmt::Display) -> DecodeError {
    DecodeError(e.to_string())
}

/// Decodes, orients, shrinks and hashes. `stored` is the size the file declares (the decoded
/// size may be smaller), `orientation` the EXIF value (1–8).
pub fn render(
    bytes: &[u8],
    format: ImageFormat,
    stored: Option<(u32, u32)>,
    orientation: u16,
    limits: &Limits,
) -> Result<Rendered, DecodeError> {
    let (width, height, pixels) = match format {
        ImageFormat::Jpeg => decode_jpeg(bytes, stored)?,
        ImageFormat::Png | ImageFormat::WebP => decode_other(bytes, format, limits)?,
        ImageFormat::Heic => return Err(DecodeError("HEIC is not decoded".to_owned())),
    };
    let decoded = Image::from_vec_u8(width, height, pixels, PixelType::U8x3).map_err(fail)?;
    let mut resizer = Resizer::new();
    // A JPEG decoded scaled, or a small photo, may fit already.
    let large = if width.max(height) > LARGE {
        shrink(&mut resizer, &decoded, LARGE)?
    } else {
        decoded
    };
    let small = into_rgb(shrink(&mut resizer, &large, SMALL)?)?;
    let small = orient(&small, orientation);
    let large = into_rgb(large)?;
    // The large thumbnail is turned and encoded on a second thread meanwhile, when one starts.
    let (large, small, phash) = std::thread::scope(|scope| {
        let large_job = std::thread::Builder::new()
            .name("thumbnail".to_owned())
            .spawn_scoped(scope, || encode(&orient(&large, orientation)));
        let phash = phash::of(&small);
        let small = encode(&small);
        let large = match large_job {
            Ok(job) => job
                .join()
                .unwrap_or_else(|_| Err(fail("the thumbnail thread panicked"))),
            Err(_) => encode(&orient(&large, orientation)),
        };
        (large, small, phash)
    });
    let (w, h) = stored.unwrap_or((width, height));
    Ok(Rendered {
        // Orientations 5–8 turn the picture a quarter.
        size: if orientation >= 5 { (h, w) } else { (w, h) },
        large: large?,
        small: small?,
        phash,
    })
}

/// The longest side a JPEG is decoded at, at least: 15/16 of [`LARGE`]. A 12-megapixel
/// photo (4000 × 3000) decodes at 1/4, 1000 px, rather than at 1/2: a quarter of the pixels to
/// transform and convert, and no resize for its large thumbnail, which stays 1000 px (never
/// enlarged).
const DECODED_MIN: u64 = LARGE as u64 * 15 / 16;

/// The scale, in eighths, at which a JPEG of this size is decoded: the smallest of 1/8, 1/4
/// and 1/2 whose longest side still reaches [`DECODED_MIN`], else full size. libjpeg has fast
/// (SIMD) inverse DCTs for these four.
pub(crate) fn jpeg_scale_eighths(width: u32, height: u32) -> u8 {
    let longest = u64::from(width.max(height));
    [1, 2, 4]
        .into_iter()
        .find(|&eighths| (longest * u64::from(eighths)).div_ceil(8) >= DECODED_MIN)
        .unwrap_or(8)
}

/// RGB pixels of a JPEG, scaled in the DCT by [`jpeg_scale_eighths`]. `checked` is the size
/// the inspection read (and sized the decode by): the decoder must see the same frame.
///
/// libjpeg (libjpeg-turbo, as built by the mozjpeg crate) reports a fatal error by unwinding
/// out of its error handler: the unwind is caught here and becomes a [`DecodeError`]. Damaged
/// entropy-coded data is only a warning to libjpeg: it decodes what it can, as browsers and
/// Pillow show such a photo.
fn decode_jpeg(
    bytes: &[u8],
    checked: Option<(u32, u32)>,
) -> Result<(u32, u32, Vec<u8>), DecodeError> {
    std::panic::catch_unwind(|| decode_jpeg_unwinding(bytes, checked)).unwrap_or_else(|payload| {
        Err(DecodeError(
            payload
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "libjpeg fatal error".to_owned()),
        ))
    })
}

fn decode_jpeg_unwinding(
    bytes: &[u8],
    checked: Option<(u32, u32)>,
) -> Result<(u32, u32, Vec<u8>), DecodeError> {
    let mut decompress = mozjpeg::Decompress::new_mem(bytes).map_err(fail)?;
    let (width, height) = decompress.size();
    let size = (
        u32::try_from(width).map_err(fail)?,
        u32::try_from(height).map_err(fail)?,
    );
    if checked != Some(size) {
        return Err(fail("the decoder reads another frame than the one checked"));
    }
    decompress.scale(jpeg_scale_eighths(size.0, size.1));
    let (Format::RGB(mut started) | Format::Gray(mut started) | Format::CMYK(mut started)) =
        decompress.image().map_err(fail)?;
    let space = started.color_space();
    let raw = started.read_scanlines::<u8>().map_err(fail)?;
    let (w, h) = (
        u32::try_from(started.width()).map_err(fail)?,
        u32::try_from(started.height()).map_err(fail)?,
    );
    started.finish().map_err(fail)?;
    let rgb = match space {
        ColorSpace::JCS_GRAYSCALE => raw.iter().flat_map(|&l| [l, l, l]).collect(),
        // CMYK as Adobe stores it, inverted (255 is no ink), which is what files in the wild
        // hold whether or not they carry Adobe's marker (Pillow reads them all so too).
        ColorSpace::JCS_CMYK => raw
            .chunks_exact(4)
            .flat_map(|p| {
                let channel = |c: u8| u8::try_from(u16::from(c) * u16::from(p[3]) / 255);
                [channel(p[0]), channel(p[1]), channel(p[2])].map(|c| c.unwrap_or(u8::MAX))
            })
            .collect(),
        // `image()` starts every other colour space as RGB.
        _ => raw,
    };
    Ok((w, h, rgb))
}

/// RGB pixels of a PNG or WebP, decoded whole within the memory cap.
fn decode_other(
    bytes: &[u8],
    format: ImageFormat,
    limits: &Limits,
) -> Result<(u32, u32, Vec<u8>), DecodeError> {
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes));
    reader.set_format(match format {
        ImageFormat::Png => image::ImageFormat::Png,
        _ => image::ImageFormat::WebP,
    });
    let mut caps = image::Limits::default();
    caps.max_alloc = Some(limits.max_decode_bytes);
    reader.limits(caps);
    let rgb = reader.decode().map_err(fail)?.into_rgb8();
    Ok((rgb.width(), rgb.height(), rgb.into_raw()))
}

/// A copy whose longest side is at most `side` (the same size when already smaller).
fn shrink(
    resizer: &mut Resizer,
    src: &Image<'_>,
    side: u32,
) -> Result<Image<'static>, DecodeError> {
    let (tw, th) = fit(src.width(), src.height(), side);
    let mut dst = Image::new(tw, th, PixelType::U8x3);
    // Catmull-Rom: as sharp as Lanczos for a reduction of 2 to 4, with a third fewer taps.
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    resizer.resize(src, &mut dst, &options).map_err(fail)?;
    Ok(dst)
}

/// The size within a `side` × `side` box, keeping the aspect ratio (never enlarged).
fn fit(w: u32, h: u32, side: u32) -> (u32, u32) {
    let longest = w.max(h);
    if longest <= side {
        return (w, h);
    }
    let scale = |x: u32| {
        let scaled = (u64::from(x) * u64::from(side) / u64::from(longest)).max(1);
        u32::try_from(scaled).unwrap_or(side)
    };
    (scale(w), scale(h))
}

fn into_rgb(image: Image<'_>) -> Result<RgbImage, DecodeError> {
    let (w, h) = (image.width(), image.height());
    RgbImage::from_raw(w, h, image.into_vec()).ok_or_else(|| fail("pixel buffer size"))
}

/// Applies an EXIF orientation so that the image shows upright: each pixel is copied to
/// where the orientation puts it (an index linear in x and y), in one pass.
fn orient(image: &RgbImage, orientation: u16) -> Cow<'_, RgbImage> {
    let (w, h) = (image.width(), image.height());
    let (wi, hi) = (
        isize::try_from(w).unwrap_or(isize::MAX),
        isize::try_from(h).unwrap_or(isize::MAX),
    );
    // The destination pixel of (x, y) is at `start + x * step_x + y * step_y`.
    let (start, step_x, step_y) = match orientation {
        2 => (wi - 1, -1, wi),
        3 => (hi * wi - 1, -1, -wi),
        4 => ((hi - 1) * wi, 1, -wi),
        5 => (0, hi, 1),
        6 => (hi - 1, hi, -1),
        7 => (wi * hi - 1, -hi, -1),
        8 => ((wi - 1) * hi, -hi, 1),
        _ => return Cow::Borrowed(image),
    };
    let source = image.as_raw();
    let mut turned = vec![0; source.len()];
    for (y, row) in (0..).zip(source.chunks_exact(3 * w as usize)) {
        let mut at = start + y * step_y;
        for pixel in row.chunks_exact(3) {
            let to = usize::try_from(at).expect("a pixel within the image") * 3;
            turned[to..to + 3].copy_from_slice(pixel);
            at += step_x;
        }
    }
    let (tw, th) = if orientation >= 5 { (h, w) } else { (w, h) };
    RgbImage::from_raw(tw, th, turned).map_or(Cow::Borrowed(image), Cow::Owned)
}

/// Baseline JPEG without any metadata segment.
fn encode(image: &RgbImage) -> Result<Vec<u8>, DecodeError> {
    let (w, h) = (
        u16::try_from(image.width()).map_err(fail)?,
        u16::try_from(image.height()).map_err(fail)?,
    );
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    jpeg_encoder::Encoder::new(&mut out, QUALITY)
        .encode(image.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(fail)?;
    Ok(out)
}
