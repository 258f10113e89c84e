//! Decoding and the derived images: thumbnails at 1024 px and 256 px (the longest side), the
//! EXIF orientation applied, no metadata carried over (so no GPS), and a perceptual hash.
//!
//! A baseline JPEG is decoded already scaled down in the DCT (1/2 to 1/8, the smallest scale
//! still at least 1024 px): a 12-megapixel photo never exists in memory at full size.

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{ImageReader, RgbImage, imageops};

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
        ImageFormat::Jpeg => decode_jpeg(bytes, limits)?,
        ImageFormat::Png | ImageFormat::WebP => decode_other(bytes, format, limits)?,
        ImageFormat::Heic => return Err(DecodeError("HEIC is not decoded".to_owned())),
    };
    let decoded = Image::from_vec_u8(width, height, pixels, PixelType::U8x3).map_err(fail)?;
    let mut resizer = Resizer::new();
    let large = shrink(&mut resizer, &decoded, LARGE)?;
    let small = shrink(&mut resizer, &large, SMALL)?;
    let large = orient(into_rgb(large)?, orientation);
    let small = orient(into_rgb(small)?, orientation);
    let phash = phash::of(&small);
    let (w, h) = stored.unwrap_or((width, height));
    Ok(Rendered {
        // Orientations 5–8 turn the picture a quarter.
        size: if orientation >= 5 { (h, w) } else { (w, h) },
        large: encode(&large)?,
        small: encode(&small)?,
        phash,
    })
}

/// RGB pixels of a JPEG, scaled in the DCT to the smallest size still covering [`LARGE`].
fn decode_jpeg(bytes: &[u8], limits: &Limits) -> Result<(u32, u32, Vec<u8>), DecodeError> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(
        usize::try_from(limits.max_decode_bytes).unwrap_or(usize::MAX),
    );
    decoder.read_info().map_err(fail)?;
    let info = decoder.info().ok_or_else(|| fail("no JPEG header"))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let longest = w.max(h);
    if longest > LARGE {
        // The decoder picks the smallest scale whose size is at least the one asked for.
        let ask = |side: u32| {
            u16::try_from(side * LARGE / longest)
                .unwrap_or(u16::MAX)
                .max(1)
        };
        decoder.scale(ask(w), ask(h)).map_err(fail)?;
    }
    let raw = decoder.decode().map_err(fail)?;
    let info = decoder.info().ok_or_else(|| fail("no JPEG header"))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => raw,
        jpeg_decoder::PixelFormat::L8 => raw.iter().flat_map(|&l| [l, l, l]).collect(),
        // Native-endian 16-bit grey: keep the high byte.
        jpeg_decoder::PixelFormat::L16 => raw
            .chunks_exact(2)
            .flat_map(|l| {
                let [high, _] = (u16::from_ne_bytes([l[0], l[1]])).to_be_bytes();
                [high, high, high]
            })
            .collect(),
        // The decoder gives plain CMYK (Adobe's inversion already undone).
        jpeg_decoder::PixelFormat::CMYK32 => raw
            .chunks_exact(4)
            .flat_map(|p| {
                let k = 255 - u16::from(p[3]);
                let channel =
                    |c: u8| u8::try_from((255 - u16::from(c)) * k / 255).unwrap_or(u8::MAX);
                [channel(p[0]), channel(p[1]), channel(p[2])]
            })
            .collect(),
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

/// Applies an EXIF orientation so that the image shows upright.
fn orient(image: RgbImage, orientation: u16) -> RgbImage {
    match orientation {
        2 => imageops::flip_horizontal(&image),
        3 => imageops::rotate180(&image),
        4 => imageops::flip_vertical(&image),
        5 => imageops::flip_horizontal(&imageops::rotate90(&image)),
        6 => imageops::rotate90(&image),
        7 => imageops::flip_horizontal(&imageops::rotate270(&image)),
        8 => imageops::rotate270(&image),
        _ => image,
    }
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
