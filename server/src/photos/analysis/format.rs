//! What a file really is, read from its bytes (never from a name or a declared type), and
//! whether it is safe to keep: dimensions within the caps before anything is decoded, the
//! file's structure complete, and no second format hidden in it (a polyglot: a JPEG that is
//! also a ZIP archive, a PDF or a web page with a script).

/// Image formats recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// JPEG (what phone cameras write).
    Jpeg,
    /// PNG (screenshots).
    Png,
    /// WebP.
    WebP,
    /// HEIC/HEIF (iPhones and some Android cameras): recognised and kept, not decoded.
    Heic,
}

impl ImageFormat {
    /// The short name stored and shown: `jpeg`, `png`, `webp`, `heic`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::WebP => "webp",
            Self::Heic => "heic",
        }
    }
}

/// Caps checked before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most pixels an image may declare (width × height).
    pub max_pixels: u64,
    /// Most memory one decode may need, in bytes.
    pub max_decode_bytes: u64,
}

/// What [`inspect`] learned about an acceptable file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspection {
    /// The real format.
    pub format: ImageFormat,
    /// Width and height as stored (before EXIF orientation); unknown for HEIC.
    pub size: Option<(u32, u32)>,
    /// Memory the JPEG decoder needs, from the headers: see [`jpeg_decode_bytes`]. `None` for
    /// the other formats.
    pub jpeg_decode_bytes: Option<u64>,
    /// Bytes after the image's end (some phones append a motion-photo video there).
    pub trailer_bytes: u64,
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Not a JPEG, PNG, WebP or HEIC file, or its structure is broken or cut short.
    #[error("not an image: {0}")]
    NotAnImage(&'static str),
    /// Declared dimensions above the megapixel cap: a decompression bomb or a panorama too
    /// large.
    #[error("image too large: {width}×{height}")]
    TooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// Within the megapixel cap, but decoding it would take more memory than the cap on one
    /// decode (a progressive JPEG keeps every coefficient of the picture).
    #[error("image {width}×{height} needs {needed_mib} MiB to decode, over {limit_mib} MiB")]
    NeedsTooMuchMemory {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// Memory the decode would take, in MiB (rounded up).
        needed_mib: u64,
        /// The cap, in MiB.
        limit_mib: u64,
    },
    /// Another format hidden inside or after the image.
    #[error("file is also {0}")]
    Polyglot(&'static str),
}

/// Signatures of formats that must not start right after a photo's end.
const HIDDEN_FORMATS: [(&[u8], &str); 7] = [
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF-", "a PDF document"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"#!", "a program"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
];

/// Markup that a browser or interpreter would run, matched case-insensitively in metadata
/// segments and text chunks (small), and in the first [`TRAILER_SCAN`] bytes after the image.
const MARKUP: [&[u8]; 7] = [
    b"<script",
    b"<?php",
    b"<html",
    b"<iframe",
    b"<!doctype",
    b"javascript:",
    b"%pdf-",
];

/// Markup long enough not to turn up by chance in megabytes of compressed video: matched in
/// the whole of a trailer.
const LONG_MARKUP: [&[u8]; 2] = [b"<script", b"<?php"];

/// How much of a trailer is searched for every kind of markup.
const TRAILER_SCAN: usize = 64 * 1024;

/// A ZIP entry header: its signature followed by a "version needed" a real archiver writes.
fn contains_zip_entry(haystack: &[u8]) -> bool {
    haystack
        .windows(6)
        .any(|w| w[..4] == *b"PK\x03\x04" && w[4] <= 63 && w[5] == 0)
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Markup inside a metadata segment or text chunk.
fn check_text(payload: &[u8]) -> Result<(), Rejection> {
    if MARKUP.iter().any(|m| contains_ignore_case(payload, m)) {
        return Err(Rejection::Polyglot("a web page or script"));
    }
    if contains_zip_entry(payload) {
        return Err(Rejection::Polyglot("a ZIP archive"));
    }
    Ok(())
}

/// Bytes after the image's end: a video (motion photos) or padding is tolerated; another
/// format starting there, or markup, is not. Signatures are matched where a reader of that
/// format looks for them, so that megabytes of video do not match by chance.
fn check_trailer(trailer: &[u8]) -> Result<(), Rejection> {
    let start = trailer
        .iter()
        .position(|b| !matches!(b, 0x00 | 0xFF | b' ' | b'\t' | b'\r' | b'\n'))
        .map_or(&[][..], |i| &trailer[i..]);
    for (signature, what) in HIDDEN_FORMATS {
        if start.starts_with(signature) {
            return Err(Rejection::Polyglot(what));
        }
    }
    check_text(&trailer[..trailer.len().min(TRAILER_SCAN)])?;
    if LONG_MARKUP.iter().any(|m| contains_ignore_case(trailer, m)) {
        return Err(Rejection::Polyglot("a web page or script"));
    }
    Ok(())
}

/// A ZIP reader finds an archive from its end-of-central-directory record, which must end
/// exactly at the end of the file (after a comment of the length it states), within the last
/// 64 KiB — whatever comes before.
fn ends_with_zip(bytes: &[u8]) -> bool {
    let from = bytes.len().saturating_sub(22 + 65_535);
    (from..bytes.len().saturating_sub(21)).any(|at| {
        bytes[at..].starts_with(b"PK\x05\x06")
            && bytes.get(at + 20..at + 22).is_some_and(|c| {
                at + 22 + usize::from(u16::from_le_bytes([c[0], c[1]])) == bytes.len()
            })
    })
}

/// Recognises the format, checks the structure and the caps, and looks for hidden formats.
/// Reads the file's bytes once; decodes nothing.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<Inspection, Rejection> {
    let (inspection, end) = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        jpeg(bytes)?
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes)?
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        webp(bytes)?
    } else if is_heic(bytes) {
        heic(bytes)?
    } else {
        return Err(Rejection::NotAnImage("unrecognised format"));
    };
    check_trailer(&bytes[end..])?;
    if ends_with_zip(bytes) {
        return Err(Rejection::Polyglot("a ZIP archive"));
    }
    if let Some((width, height)) = inspection.size {
        check_size(width, height, inspection.decode_bytes(), limits)?;
    }
    Ok(Inspection {
        trailer_bytes: (bytes.len() - end) as u64,
        ..inspection
    })
}

impl Inspection {
    /// Memory a decode needs, from the headers alone: for a JPEG, [`jpeg_decode_bytes`]; PNG
    /// and WebP are decoded whole (up to 8 bytes per pixel: 16-bit RGBA). 0 when the size is
    /// unknown (HEIC, which is not decoded).
    #[must_use]
    pub fn decode_bytes(&self) -> u64 {
        let Some((width, height)) = self.size else {
            return 0;
        };
        // PNG declares 32-bit sizes: saturate rather than overflow.
        let pixels = u64::from(width) * u64::from(height);
        self.jpeg_decode_bytes
            .unwrap_or_else(|| pixels.saturating_mul(8))
    }
}

/// Refuses an image too large to decode (see [`Inspection::decode_bytes`]).
fn check_size(
    width: u32,
    height: u32,
    decode_bytes: u64,
    limits: &Limits,
) -> Result<(), Rejection> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err(Rejection::NotAnImage("zero width or height"));
    }
    if pixels > limits.max_pixels {
        return Err(Rejection::TooLarge { width, height });
    }
    if decode_bytes > limits.max_decode_bytes {
        const MIB: u64 = 1024 * 1024;
        return Err(Rejection::NeedsTooMuchMemory {
            width,
            height,
            needed_mib: decode_bytes.div_ceil(MIB),
            limit_mib: limits.max_decode_bytes / MIB,
        });
    }
    Ok(())
}

/// Pixels of a JPEG as decoded for the thumbnails, at
/// [`jpeg_scale_eighths`](super::render::jpeg_scale_eighths).
fn jpeg_decoded_pixels(width: u32, height: u32) -> u64 {
    let eighths = u64::from(super::render::jpeg_scale_eighths(width, height));
    let scaled = |side: u32| (u64::from(side) * eighths).div_ceil(8);
    scaled(width) * scaled(height)
}

/// What a JPEG's frame header declares.
struct Frame {
    width: u32,
    height: u32,
    components: u8,
    /// Bytes of every coefficient of every component, as libjpeg stores them when it keeps
    /// them all: each component's 8×8 blocks (2 bytes per coefficient), rounded up to whole
    /// sampling units.
    coefficient_bytes: u64,
}

impl Frame {
    fn parse(payload: &[u8]) -> Result<Self, Rejection> {
        let height = be16(payload, 1).ok_or(TRUNCATED)?;
        let width = be16(payload, 3).ok_or(TRUNCATED)?;
        let components = *payload.get(5).ok_or(TRUNCATED)?;
        let mut sampling = Vec::with_capacity(usize::from(components));
        for i in 0..usize::from(components) {
            let factors = *payload.get(6 + 3 * i + 1).ok_or(TRUNCATED)?;
            let (h, v) = (factors >> 4, factors & 0x0F);
            if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
                return Err(Rejection::NotAnImage("JPEG sampling factor out of range"));
            }
            sampling.push((u64::from(h), u64::from(v)));
        }
        let h_max = sampling.iter().map(|&(h, _)| h).max().unwrap_or(1);
        let v_max = sampling.iter().map(|&(_, v)| v).max().unwrap_or(1);
        let blocks = |side: u16, factor: u64, max: u64| {
            (u64::from(side) * factor)
                .div_ceil(max * 8)
                .next_multiple_of(factor)
        };
        let coefficient_bytes = sampling
            .iter()
            .map(|&(h, v)| blocks(width, h, h_max) * blocks(height, v, v_max) * 64 * 2)
            .sum();
        Ok(Self {
            width: u32::from(width),
            height: u32::from(height),
            components,
            coefficient_bytes,
        })
    }
}

/// Memory the JPEG decoder needs: its output at [`jpeg_decoded_pixels`] (the components as
/// decoded, then RGB), and, for a multi-scan JPEG (progressive, or a scan holding fewer
/// components than the frame), every coefficient of the whole picture, kept until the last
/// scan.
fn jpeg_decode_bytes(frame: &Frame, multi_scan: bool) -> u64 {
    let output = jpeg_decoded_pixels(frame.width, frame.height) * (u64::from(frame.components) + 3);
    if multi_scan {
        output.saturating_add(frame.coefficient_bytes)
    } else {
        output
    }
}

/// The most scans a JPEG may have. Progressive files have about ten; each scan walks the whole
/// picture even when it holds no data, so thousands of empty ones would hold a worker for
/// minutes.
const MAX_JPEG_SCANS: usize = 100;

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

const TRUNCATED: Rejection = Rejection::NotAnImage("file cut short");

/// Walks the JPEG's segments and entropy-coded data to its end (EOI). Returns the end offset.
fn jpeg(bytes: &[u8]) -> Result<(Inspection, usize), Rejection> {
    let mut at = 2;
    let mut frame: Option<Frame> = None;
    let mut multi_scan = false;
    let mut scans = 0;
    loop {
        if *bytes.get(at).ok_or(TRUNCATED)? != 0xFF {
            return Err(Rejection::NotAnImage("JPEG segment expected"));
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let marker = *bytes.get(at).ok_or(TRUNCATED)?;
        at += 1;
        match marker {
            0xD9 => break,
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let length = usize::from(be16(bytes, at).ok_or(TRUNCATED)?);
        if length < 2 {
            return Err(Rejection::NotAnImage("JPEG segment length below 2"));
        }
        let payload = bytes.get(at + 2..at + length).ok_or(TRUNCATED)?;
        match marker {
            // Baseline, extended and progressive Huffman-coded frames: what cameras write.
            0xC0..=0xC2 => {
                // The decoder sizes its buffers from the first frame header; a second one
                // could declare another size than the one checked here.
                if frame.is_some() {
                    return Err(Rejection::NotAnImage("JPEG with two frame headers"));
                }
                frame = Some(Frame::parse(payload)?);
                multi_scan |= marker == 0xC2;
            }
            // Lossless, hierarchical and arithmetic-coded frames (and hierarchical
            // progression markers): no camera writes them, and lossless ones are decoded at
            // full size whatever the thumbnail needs.
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDE | 0xDF => {
                return Err(Rejection::NotAnImage(
                    "JPEG coding that cameras do not use (lossless, hierarchical, arithmetic)",
                ));
            }
            0xDA => {
                scans += 1;
                if scans > MAX_JPEG_SCANS {
                    return Err(Rejection::NotAnImage("JPEG with too many scans"));
                }
                // A scan holding fewer components than the frame (one scan per component):
                // the decoder keeps every coefficient, as for a progressive frame.
                let in_scan = *payload.first().ok_or(TRUNCATED)?;
                if frame.as_ref().is_some_and(|f| in_scan < f.components) {
                    multi_scan = true;
                }
            }
            0xE0..=0xEF | 0xFE => check_text(payload)?,
            // Huffman and arithmetic conditioning tables, quantisation tables, the number of
            // lines, the restart interval.
            0xC4 | 0xCC | 0xDB..=0xDD => {}
            // Anything else is not a segment to libjpeg (0x00 is a stuffed byte it skips, so
            // what this walk would take for that segment's body would be read as markers),
            // or one it refuses.
            _ => {
                return Err(Rejection::NotAnImage(
                    "JPEG marker that decoders do not read",
                ));
            }
        }
        at += length;
        if marker == 0xDA {
            at = skip_entropy_coded(bytes, at)?;
        }
    }
    let frame = frame.ok_or(Rejection::NotAnImage("JPEG without a frame header"))?;
    let inspection = Inspection {
        format: ImageFormat::Jpeg,
        size: Some((frame.width, frame.height)),
        jpeg_decode_bytes: Some(jpeg_decode_bytes(&frame, multi_scan)),
        trailer_bytes: 0,
    };
    Ok((inspection, at))
}

/// The offset of the next marker after a scan's entropy-coded data, where `0xFF` is followed
/// by a stuffed zero, a restart marker or a fill byte.
fn skip_entropy_coded(bytes: &[u8], mut at: usize) -> Result<usize, Rejection> {
    loop {
        let ff = at + memchr::memchr(0xFF, bytes.get(at..).ok_or(TRUNCATED)?).ok_or(TRUNCATED)?;
        match *bytes.get(ff + 1).ok_or(TRUNCATED)? {
            0x00 | 0xD0..=0xD7 => at = ff + 2,
            0xFF => at = ff + 1,
            _ => return Ok(ff),
        }
    }
}

/// Walks the PNG's chunks to IEND. Returns the end offset.
fn png(bytes: &[u8]) -> Result<(Inspection, usize), Rejection> {
    let mut at = 8;
    let mut size = None;
    loop {
        let length = be32(bytes, at).ok_or(TRUNCATED)?;
        if length > 0x7FFF_FFFF {
            return Err(Rejection::NotAnImage("PNG chunk length out of range"));
        }
        let kind = bytes.get(at + 4..at + 8).ok_or(TRUNCATED)?;
        let data_start = at + 8;
        let data_end = data_start + length as usize;
        let data = bytes.get(data_start..data_end).ok_or(TRUNCATED)?;
        if size.is_none() && kind != b"IHDR" {
            return Err(Rejection::NotAnImage("PNG without IHDR first"));
        }
        match kind {
            b"IHDR" => {
                size = Some((
                    be32(data, 0).ok_or(TRUNCATED)?,
                    be32(data, 4).ok_or(TRUNCATED)?,
                ));
            }
            b"tEXt" | b"iTXt" => check_text(data)?,
            _ => {}
        }
        at = data_end + 4;
        if at > bytes.len() {
            return Err(TRUNCATED);
        }
        if kind == b"IEND" {
            break;
        }
    }
    let inspection = Inspection {
        format: ImageFormat::Png,
        size,
        jpeg_decode_bytes: None,
        trailer_bytes: 0,
    };
    Ok((inspection, at))
}

/// Reads the WebP's size from its first chunk; the RIFF header gives the end. An extended
/// WebP (`VP8X`) declares a canvas, and its frames declare their own sizes, which the decoder
/// allocates for: every frame must fit in the canvas, so that checking the canvas checks them.
fn webp(bytes: &[u8]) -> Result<(Inspection, usize), Rejection> {
    let riff = u64::from(le32(bytes, 4).ok_or(TRUNCATED)?);
    let end = 8 + riff + (riff & 1);
    if end > bytes.len() as u64 {
        return Err(TRUNCATED);
    }
    let end = usize::try_from(end).map_err(|_| TRUNCATED)?;
    let chunks = bytes.get(12..end).ok_or(TRUNCATED)?;
    let (kind, data) = riff_chunks(chunks).next().ok_or(TRUNCATED)??;
    let size = match kind {
        b"VP8X" => {
            let canvas = (le24(data, 4)? + 1, le24(data, 7)? + 1);
            frames_fit(chunks, canvas, false)?;
            canvas
        }
        b"VP8 " => vp8_size(data)?,
        b"VP8L" => vp8l_size(data)?,
        _ => return Err(Rejection::NotAnImage("WebP without an image chunk")),
    };
    let inspection = Inspection {
        format: ImageFormat::WebP,
        size: Some(size),
        jpeg_decode_bytes: None,
        trailer_bytes: 0,
    };
    Ok((inspection, end))
}

/// The chunks of a RIFF list: four-character code, little-endian size, data, a pad byte to an
/// even size. A chunk running past the list is an error, and ends the walk.
fn riff_chunks(list: &[u8]) -> impl Iterator<Item = Result<(&[u8], &[u8]), Rejection>> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        if at >= list.len() {
            return None;
        }
        let chunk = (|| {
            let kind = list.get(at..at + 4)?;
            let size = usize::try_from(le32(list, at + 4)?).ok()?;
            let data = list.get(at + 8..(at + 8).checked_add(size)?)?;
            Some((kind, data, at + 8 + size + (size & 1)))
        })();
        if let Some((kind, data, next)) = chunk {
            at = next;
            Some(Ok((kind, data)))
        } else {
            at = list.len();
            Some(Err(TRUNCATED))
        }
    })
}

fn le24(data: &[u8], at: usize) -> Result<u32, Rejection> {
    let b = data.get(at..at + 3).ok_or(TRUNCATED)?;
    Ok(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// Every frame of an extended WebP (`VP8 `, `VP8L`, and those inside animation frames) within
/// `canvas`. An animation frame holds pictures, not other animation frames (nor could a chain
/// of them be followed without a stack as deep as the file is long).
fn frames_fit(chunks: &[u8], canvas: (u32, u32), in_animation: bool) -> Result<(), Rejection> {
    const TOO_BIG: Rejection = Rejection::NotAnImage("WebP frame larger than its canvas");
    let fits = |(w, h): (u32, u32), (cw, ch): (u32, u32)| w <= cw && h <= ch;
    for chunk in riff_chunks(chunks) {
        let (kind, data) = chunk?;
        let frame = match kind {
            b"VP8 " => vp8_size(data)?,
            b"VP8L" => vp8l_size(data)?,
            b"ANMF" if in_animation => {
                return Err(Rejection::NotAnImage("WebP animation frame inside another"));
            }
            b"ANMF" => (le24(data, 6)? + 1, le24(data, 9)? + 1),
            _ => continue,
        };
        if !fits(frame, canvas) {
            return Err(TOO_BIG);
        }
        if kind == b"ANMF" {
            frames_fit(data.get(16..).ok_or(TRUNCATED)?, frame, true)?;
        }
    }
    Ok(())
}

/// The size a lossy (`VP8 `) frame declares.
fn vp8_size(data: &[u8]) -> Result<(u32, u32), Rejection> {
    if data.get(3..6) != Some(&[0x9D, 0x01, 0x2A]) {
        return Err(Rejection::NotAnImage("WebP frame without its start code"));
    }
    let le16 = |at: usize| -> Result<u32, Rejection> {
        let b = data.get(at..at + 2).ok_or(TRUNCATED)?;
        Ok(u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    Ok((le16(6)? & 0x3FFF, le16(8)? & 0x3FFF))
}

/// The size a lossless (`VP8L`) frame declares.
fn vp8l_size(data: &[u8]) -> Result<(u32, u32), Rejection> {
    let bits = le32(data, 1).ok_or(TRUNCATED)?;
    if data.first() != Some(&0x2F) {
        return Err(Rejection::NotAnImage("WebP lossless without its signature"));
    }
    Ok(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
}

/// Walks the top-level boxes of a HEIF file (`size`, `type`, contents; `size` 1 means a
/// 64-bit size follows, 0 means "to the end"). Metadata boxes are checked like JPEG segments;
/// the media data (`mdat`) is not, it is compressed pictures. Returns the end of the last box.
fn heic(bytes: &[u8]) -> Result<(Inspection, usize), Rejection> {
    let mut at = 0usize;
    while at < bytes.len() {
        let Some(size) = be32(bytes, at) else { break };
        let kind = bytes.get(at + 4..at + 8).ok_or(TRUNCATED)?;
        let (header, length) = match size {
            0 => (8usize, (bytes.len() - at) as u64),
            1 => {
                let high = u64::from(be32(bytes, at + 8).ok_or(TRUNCATED)?);
                let low = u64::from(be32(bytes, at + 12).ok_or(TRUNCATED)?);
                (16, high << 32 | low)
            }
            n => (8, u64::from(n)),
        };
        if length < header as u64 || !kind.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
            // Not a box: what follows the last box is a trailer.
            break;
        }
        let end = (at as u64)
            .checked_add(length)
            .filter(|&e| e <= bytes.len() as u64)
            .ok_or(TRUNCATED)?;
        let end = usize::try_from(end).map_err(|_| TRUNCATED)?;
        if kind != b"mdat" {
            check_text(&bytes[at + header..end])?;
        }
        at = end;
    }
    let inspection = Inspection {
        format: ImageFormat::Heic,
        size: None,
        jpeg_decode_bytes: None,
        trailer_bytes: 0,
    };
    Ok((inspection, at))
}

/// An ISO-BMFF file whose brand is one of the HEIF family.
fn is_heic(bytes: &[u8]) -> bool {
    bytes.get(4..8) == Some(b"ftyp")
        && bytes.get(8..12).is_some_and(|brand| {
            matches!(
                brand,
                b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1"
            )
        })
}
