//! The image pipeline's pure part: format, caps, polyglots, EXIF, thumbnails, perceptual hash.

use ekemiskinan::photos::analysis::{self, ImageFormat, Limits, Rejection, exif, inspect, phash};
use proptest::prelude::*;
use tests::images::{self, PhoneExif};

const LIMITS: Limits = Limits {
    max_pixels: 120_000_000,
    max_decode_bytes: 96 * 1024 * 1024,
};

fn decode(jpeg: &[u8]) -> (u16, u16, Vec<u8>) {
    let mut decoder = jpeg_decoder::Decoder::new(jpeg);
    let pixels = decoder.decode().expect("a decodable JPEG");
    let info = decoder.info().expect("info");
    (info.width, info.height, pixels)
}

#[test]
fn a_phone_photo_gets_its_exif_read_and_upright_thumbnails_without_gps() {
    let photo = images::jpeg(2000, 1500, 1, Some(&PhoneExif::default()), 90);
    let result = analysis::analyse(&photo, &LIMITS).expect("an acceptable photo");
    assert_eq!(result.format, ImageFormat::Jpeg);
    let exif = result.exif.expect("EXIF");
    assert_eq!(exif.orientation, 6);
    assert_eq!(exif.taken_at.as_deref(), Some("2026-11-20T09:15:30"));
    assert_eq!(exif.camera.as_deref(), Some("samsung SM-A155F"));
    let (lat, lon) = exif.gps.expect("GPS");
    assert!((lat - -2.803_472).abs() < 1e-5, "{lat}");
    assert!((lon - 120.401_736).abs() < 1e-5, "{lon}");
    assert_eq!(result.exif_error, None);

    let rendered = result.rendered.expect("decoded");
    assert_eq!(rendered.size, (1500, 2000), "turned a quarter: portrait");
    let (w, h, _) = decode(&rendered.large);
    assert_eq!((w, h), (750, 1000), "decoded at half size, not enlarged");
    let (w, h, _) = decode(&rendered.small);
    assert_eq!((w, h), (192, 256));
    for thumbnail in [&rendered.large, &rendered.small] {
        assert_eq!(
            exif::read(thumbnail),
            (None, None),
            "no metadata is carried over: no GPS"
        );
    }
}

#[test]
fn thumbnails_are_turned_upright_for_each_of_the_eight_exif_orientations() {
    // A 400×200 picture, light but for its top-left quadrant. Shown upright, that quadrant
    // lands in a corner that, with the shown size, tells the eight orientations apart.
    let (w, h) = (400u16, 200u16);
    let mut pixels = vec![230u8; usize::from(w) * usize::from(h) * 3];
    for y in 0..usize::from(h) / 2 {
        for x in 0..usize::from(w) / 2 {
            let i = (y * usize::from(w) + x) * 3;
            pixels[i..i + 3].copy_from_slice(&[20, 20, 20]);
        }
    }
    // (orientation, shown width × height, dark corner as (right?, bottom?))
    let expected = [
        (1, (400, 200), (false, false)),
        (2, (400, 200), (true, false)),
        (3, (400, 200), (true, true)),
        (4, (400, 200), (false, true)),
        (5, (200, 400), (false, false)),
        (6, (200, 400), (true, false)),
        (7, (200, 400), (true, true)),
        (8, (200, 400), (false, true)),
    ];
    for (orientation, size, (right, bottom)) in expected {
        let mut photo = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut photo, 90);
        let mut segment = b"Exif\0\0".to_vec();
        segment.extend(images::exif_tiff(&PhoneExif {
            orientation,
            ..PhoneExif::default()
        }));
        encoder.add_app_segment(1, &segment).unwrap();
        encoder
            .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        let rendered = analysis::analyse(&photo, &LIMITS)
            .unwrap()
            .rendered
            .unwrap();
        assert_eq!(rendered.size, size, "orientation {orientation}");
        let (tw, th, out) = decode(&rendered.large);
        assert_eq!((u32::from(tw), u32::from(th)), size);
        let (tw, th) = (usize::from(tw), usize::from(th));
        let dark = |x: usize, y: usize| out[(y * tw + x) * 3] < 80;
        for (qx, qy) in [(false, false), (true, false), (false, true), (true, true)] {
            let x = if qx { tw * 3 / 4 } else { tw / 4 };
            let y = if qy { th * 3 / 4 } else { th / 4 };
            assert_eq!(
                dark(x, y),
                (qx, qy) == (right, bottom),
                "orientation {orientation}, quadrant right={qx} bottom={qy}"
            );
        }
    }
}

#[test]
fn cmyk_and_grey_jpegs_are_shown_in_their_colours() {
    let (w, h) = (64u16, 48u16);
    let pixels = usize::from(w) * usize::from(h);
    let centre = |jpeg: &[u8]| {
        let (tw, th, out) = decode(jpeg);
        let i = (usize::from(th) / 2 * usize::from(tw) + usize::from(tw) / 2) * 3;
        [out[i], out[i + 1], out[i + 2]]
    };
    // Red in ink: no cyan, full magenta and yellow, no black. The encoder stores it inverted
    // with Adobe's marker, as Photoshop does, once as CMYK and once as YCCK.
    for color_type in [
        jpeg_encoder::ColorType::Cmyk,
        jpeg_encoder::ColorType::CmykAsYcck,
    ] {
        let mut photo = Vec::new();
        jpeg_encoder::Encoder::new(&mut photo, 95)
            .encode(&[0, 255, 255, 0].repeat(pixels), w, h, color_type)
            .unwrap();
        let rendered = analysis::analyse(&photo, &LIMITS)
            .unwrap()
            .rendered
            .expect("a CMYK JPEG is decoded");
        let [red, green, blue] = centre(&rendered.small);
        assert!(
            red > 220 && green < 40 && blue < 40,
            "{color_type:?} shows as {red} {green} {blue}"
        );
    }
    let mut photo = Vec::new();
    jpeg_encoder::Encoder::new(&mut photo, 95)
        .encode(&[90].repeat(pixels), w, h, jpeg_encoder::ColorType::Luma)
        .unwrap();
    let rendered = analysis::analyse(&photo, &LIMITS)
        .unwrap()
        .rendered
        .expect("a grey JPEG is decoded");
    for channel in centre(&rendered.small) {
        assert!(channel.abs_diff(90) <= 3, "{channel}");
    }
}

#[test]
fn a_jpeg_the_decoder_gives_up_on_is_reported_and_the_next_one_decoded() {
    // Without its quantisation tables the structure is an image's, its pixels cannot be
    // computed: the decoder's fatal error must come back as an error, not end the process.
    let photo = images::jpeg(64, 48, 2, None, 80);
    let mut without_tables = photo[..2].to_vec();
    let mut at = 2;
    while photo[at + 1] != 0xDA {
        let length = usize::from(u16::from_be_bytes([photo[at + 2], photo[at + 3]]));
        if photo[at + 1] != 0xDB {
            without_tables.extend(&photo[at..at + 2 + length]);
        }
        at += 2 + length;
    }
    without_tables.extend(&photo[at..]);
    let analysis = analysis::analyse(&without_tables, &LIMITS).expect("the structure is sound");
    let error = analysis
        .rendered
        .expect_err("no pixels without quantisation tables");
    assert!(error.0.contains("Quantization table"), "{error}");
    let next = analysis::analyse(&photo, &LIMITS).unwrap();
    assert!(next.rendered.is_ok(), "the decoder works on afterwards");
}

#[test]
fn the_perceptual_hash_survives_recompression_and_resizing_but_not_another_scene() {
    let hash = |bytes: &[u8]| {
        analysis::analyse(bytes, &LIMITS)
            .unwrap()
            .rendered
            .unwrap()
            .phash
    };
    let original = hash(&images::jpeg(1600, 1200, 3, None, 92));
    let recompressed = hash(&images::jpeg(1600, 1200, 3, None, 40));
    let smaller = hash(&images::jpeg(800, 600, 3, None, 75));
    let other = hash(&images::jpeg(1600, 1200, 11, None, 92));
    assert!(phash::distance(original, recompressed) <= 4);
    assert!(phash::distance(original, smaller) <= 4);
    assert!(
        phash::distance(original, other) >= 16,
        "{}",
        phash::distance(original, other)
    );
}

#[test]
fn decompression_bombs_are_refused_before_decoding() {
    assert_eq!(
        inspect(&images::jpeg_bomb(60_000, 60_000), &LIMITS),
        Err(Rejection::TooLarge {
            width: 60_000,
            height: 60_000
        })
    );
    let png = images::png_bomb(30_000);
    assert!(png.len() < 100_000, "a small file: {} bytes", png.len());
    assert_eq!(
        inspect(&png, &LIMITS),
        Err(Rejection::TooLarge {
            width: 30_000,
            height: 30_000
        })
    );
    // The same PNG at a size within the caps passes inspection (so the refusal above is the
    // cap's).
    let fine = images::png_bomb(600);
    assert_eq!(inspect(&fine, &LIMITS).unwrap().format, ImageFormat::Png);
    // A progressive JPEG keeps every coefficient: 60 MP of them is over the memory cap.
    let progressive = images::jpeg_frame_header(0xC2, 9000, 6700);
    assert!(
        matches!(
            inspect(&progressive, &LIMITS),
            Err(Rejection::NeedsTooMuchMemory {
                width: 9000,
                height: 6700,
                needed_mib,
                limit_mib: 96,
            }) if needed_mib > 96
        ),
        "{:?}",
        inspect(&progressive, &LIMITS)
    );
    // So does a baseline JPEG with one scan per component. Its scan header is cut from
    // three components to one: length, count, the first component, then the spectral bytes.
    let mut one_per_scan = images::jpeg_frame_header(0xC0, 9000, 6700);
    let sos = images::marker_at(&one_per_scan, 0xDA);
    assert_eq!(&one_per_scan[sos + 2..sos + 5], [0, 12, 3]);
    let header = [
        &[0, 8, 1][..],
        &one_per_scan[sos + 5..sos + 7],
        &one_per_scan[sos + 11..sos + 14],
    ]
    .concat();
    one_per_scan.splice(sos + 2..sos + 14, header);
    assert!(matches!(
        inspect(&one_per_scan, &LIMITS),
        Err(Rejection::NeedsTooMuchMemory {
            width: 9000,
            height: 6700,
            ..
        })
    ));
    // A 108-megapixel baseline photo is decoded at 1/8 scale: accepted.
    let big = images::jpeg_frame_header(0xC0, 12_000, 9_000);
    assert_eq!(inspect(&big, &LIMITS).unwrap().size, Some((12_000, 9_000)));
}

/// A WebP file: the RIFF header around `chunks` (four-character code, data).
fn webp(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut body = b"WEBP".to_vec();
    for (kind, data) in chunks {
        body.extend_from_slice(*kind);
        body.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
        body.extend_from_slice(data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut file = b"RIFF".to_vec();
    file.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
    file.extend(body);
    file
}

fn le24(n: u32) -> [u8; 3] {
    let b = n.to_le_bytes();
    [b[0], b[1], b[2]]
}

/// An extended WebP's canvas: flags, then width - 1 and height - 1 in 24 bits each.
fn vp8x(width: u32, height: u32) -> Vec<u8> {
    [
        vec![0; 4],
        le24(width - 1).to_vec(),
        le24(height - 1).to_vec(),
    ]
    .concat()
}

/// The head of a lossy key frame declaring its size.
fn vp8(width: u16, height: u16) -> Vec<u8> {
    [
        vec![0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A],
        width.to_le_bytes().to_vec(),
        height.to_le_bytes().to_vec(),
        vec![0; 16],
    ]
    .concat()
}

#[test]
fn a_webp_frame_larger_than_its_canvas_is_refused_before_decoding() {
    // A 1×1 canvas, which the caps pass, holding a 16383×16383 frame the decoder would
    // allocate for (about 400 MB): a bomb of a few dozen bytes.
    let bomb = webp(&[(b"VP8X", vp8x(1, 1)), (b"VP8 ", vp8(16_383, 16_383))]);
    assert!(matches!(
        inspect(&bomb, &LIMITS),
        Err(Rejection::NotAnImage(_))
    ));
    // The same inside an animation frame that itself fits.
    let frame = [
        vec![0; 6],
        le24(0).to_vec(),
        le24(0).to_vec(),
        vec![0; 4],
        b"VP8 ".to_vec(),
        26u32.to_le_bytes().to_vec(),
        vp8(16_383, 16_383),
    ]
    .concat();
    let animated = webp(&[(b"VP8X", vp8x(1, 1)), (b"ANMF", frame)]);
    assert!(matches!(
        inspect(&animated, &LIMITS),
        Err(Rejection::NotAnImage(_))
    ));
    // Animation frames inside animation frames, deeper than any stack: refused, no crash.
    let header = [vec![0; 6], le24(0).to_vec(), le24(0).to_vec(), vec![0; 4]].concat();
    let depth: u32 = 100_000;
    let mut nested = Vec::new();
    for level in (1..depth).rev() {
        nested.extend_from_slice(&header);
        nested.extend_from_slice(b"ANMF");
        // What the frame holds: `level` frames of 16 bytes and their 8-byte chunk heads.
        nested.extend_from_slice(&(16 + 24 * (level - 1)).to_le_bytes());
    }
    nested.extend_from_slice(&header);
    let deep = webp(&[(b"VP8X", vp8x(1, 1)), (b"ANMF", nested)]);
    assert!(matches!(
        inspect(&deep, &LIMITS),
        Err(Rejection::NotAnImage(_))
    ));
    // A frame the size of its canvas passes (so the refusals above are the frames').
    let fine = webp(&[(b"VP8X", vp8x(640, 480)), (b"VP8 ", vp8(640, 480))]);
    let inspection = inspect(&fine, &LIMITS).unwrap();
    assert_eq!(
        (inspection.format, inspection.size),
        (ImageFormat::WebP, Some((640, 480)))
    );
}

#[test]
fn jpegs_whose_decoder_buffers_could_differ_from_the_checked_size_are_refused() {
    // A small first frame header for the check, then a huge one for the decoder.
    let small = images::jpeg(16, 16, 1, None, 80);
    let mut two_frames = small[..small.len() - 2].to_vec();
    let bomb = images::jpeg_frame_header(0xC2, 65_000, 65_000);
    two_frames.extend(&bomb[2..]);
    assert!(matches!(
        inspect(&two_frames, &LIMITS),
        Err(Rejection::NotAnImage(_))
    ));
    for marker in [0xC3, 0xC7, 0xC9, 0xCF] {
        assert!(
            matches!(
                inspect(&images::jpeg_frame_header(marker, 64, 64), &LIMITS),
                Err(Rejection::NotAnImage(_))
            ),
            "SOF {marker:#x}"
        );
    }
}

#[test]
fn a_progressive_phone_photo_is_sized_by_its_colour_and_passes_the_default_cap() {
    // The server's default cap. A progressive decode keeps every coefficient: for a
    // 12-megapixel photo with its colour at half resolution (what phones write) that is
    // 37 MB, 18 MB more for the output at 1/2 scale; with full-resolution colour, 73 MB.
    // Both are taken; the latter was refused under the earlier cap of 64 MiB, for a reason
    // it did not name.
    let limits = Limits {
        max_decode_bytes: ekemiskinan::config::PhotosConfig::default()
            .limits()
            .max_decode_bytes,
        ..LIMITS
    };
    let subsampled = images::jpeg_frame_header(0xC2, 4032, 3024);
    let sof = images::marker_at(&subsampled, 0xC2);
    assert_eq!(
        subsampled[sof + 11],
        0x22,
        "luma sampled 2×2: colour at half size"
    );
    assert_eq!(
        inspect(&subsampled, &limits).map(|i| i.size),
        Ok(Some((4032, 3024)))
    );
    let mut full_colour = subsampled.clone();
    full_colour[sof + 11] = 0x11;
    assert_eq!(
        inspect(&full_colour, &limits).map(|i| i.size),
        Ok(Some((4032, 3024)))
    );
    let earlier = Limits {
        max_decode_bytes: 64 * 1024 * 1024,
        ..limits
    };
    assert_eq!(
        inspect(&full_colour, &earlier),
        Err(Rejection::NeedsTooMuchMemory {
            width: 4032,
            height: 3024,
            needed_mib: 75,
            limit_mib: 64,
        })
    );
}

#[test]
fn jpegs_the_decoder_would_read_otherwise_or_scan_without_end_are_refused() {
    let photo = images::jpeg(16, 16, 1, None, 80);
    // `FF 00` is a stuffed byte to libjpeg, not a segment: the scan header hidden in what
    // would be its body is what the decoder would read next, unchecked.
    let mut hidden = photo[..2].to_vec();
    hidden.extend([
        0xFF, 0x00, 0x00, 0x0C, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0,
    ]);
    hidden.extend(&photo[2..]);
    assert!(matches!(
        inspect(&hidden, &LIMITS),
        Err(Rejection::NotAnImage(_))
    ));
    // Each scan walks the whole picture, even an empty one.
    let with_scans = |extra: usize| {
        let mut out = photo[..photo.len() - 2].to_vec();
        for _ in 0..extra {
            out.extend([0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0]);
        }
        out.extend([0xFF, 0xD9]);
        out
    };
    assert!(inspect(&with_scans(99), &LIMITS).is_ok(), "100 scans");
    assert_eq!(
        inspect(&with_scans(100), &LIMITS),
        Err(Rejection::NotAnImage("JPEG with too many scans"))
    );
}

#[test]
fn polyglots_are_refused_and_harmless_trailers_kept() {
    let photo = images::jpeg(64, 48, 2, None, 80);
    let mut with_zip = photo.clone();
    with_zip.extend(images::zip_archive());
    assert_eq!(
        inspect(&with_zip, &LIMITS),
        Err(Rejection::Polyglot("a ZIP archive"))
    );
    assert_eq!(
        inspect(&images::jpeg_with_script_comment(), &LIMITS),
        Err(Rejection::Polyglot("a web page or script"))
    );
    let mut with_pdf = photo.clone();
    with_pdf.extend(b"%PDF-1.7\n1 0 obj\n");
    assert_eq!(
        inspect(&with_pdf, &LIMITS),
        Err(Rejection::Polyglot("a PDF document"))
    );
    let mut zip_after = photo.clone();
    zip_after.extend(b"PK\x03\x04\x14\0\0\0");
    zip_after.extend([0u8; 100]);
    assert_eq!(
        inspect(&zip_after, &LIMITS),
        Err(Rejection::Polyglot("a ZIP archive")),
        "an archive starting right after the picture"
    );
    // A motion photo: megabytes of video appended after the picture, as some Android cameras
    // do. Compressed video is random-looking: it must not match a signature by chance.
    let mut motion = photo.clone();
    motion.extend(b"\0\0\0\x18ftypmp42\0\0\0\0isommp42");
    motion.extend(images::noise(5_000_000, 7));
    let inspection = inspect(&motion, &LIMITS).expect("a photo with a video trailer");
    assert_eq!(inspection.trailer_bytes, 5_000_000 + 24);
    // HEIC metadata boxes are checked like JPEG segments.
    let mut heic = images::heic_header();
    heic.extend(32u32.to_be_bytes());
    heic.extend(b"meta<script>alert(1)</script");
    assert_eq!(
        inspect(&heic, &LIMITS),
        Err(Rejection::Polyglot("a web page or script"))
    );
}

#[test]
fn files_that_are_not_images_or_are_cut_short_are_refused() {
    let photo = images::jpeg(320, 240, 4, None, 85);
    assert!(matches!(
        inspect(&photo[..photo.len() / 2], &LIMITS),
        Err(Rejection::NotAnImage(_))
    ));
    assert!(matches!(
        inspect(b"this is a text file, not a photo", &LIMITS),
        Err(Rejection::NotAnImage(_))
    ));
    assert!(matches!(
        inspect(b"", &LIMITS),
        Err(Rejection::NotAnImage(_))
    ));
    let heic = inspect(&images::heic_header(), &LIMITS).expect("HEIC is recognised");
    assert_eq!(heic.format, ImageFormat::Heic);
    let analysis = analysis::analyse(&images::heic_header(), &LIMITS).unwrap();
    assert!(analysis.rendered.is_err(), "HEIC is reported, not decoded");
}

/// Where a TIFF's IFD that `pointer` (a tag of IFD0) points to ends: its next-IFD offset.
fn next_ifd_offset_of(tiff: &[u8], pointer: u16) -> usize {
    let big = tiff.starts_with(b"MM");
    let u16_at = |i: usize| {
        let b = [tiff[i], tiff[i + 1]];
        usize::from(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |i: usize| {
        let b = [tiff[i], tiff[i + 1], tiff[i + 2], tiff[i + 3]];
        usize::try_from(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
        .unwrap()
    };
    let ifd0 = u32_at(4);
    let entry = (0..u16_at(ifd0))
        .map(|i| ifd0 + 2 + 12 * i)
        .find(|&e| u16_at(e) == usize::from(pointer))
        .expect("the pointer tag");
    let ifd = u32_at(entry + 8);
    ifd + 2 + 12 * u16_at(ifd)
}

#[test]
fn exif_with_a_fault_in_one_ifd_still_gives_the_time_place_and_camera() {
    // A next-IFD offset at the end of the GPS IFD, where none belongs: what Pillow writes, for
    // one. The fault is reported; the fields are read all the same.
    let mut tiff = images::exif_tiff(&PhoneExif::default());
    let at = next_ifd_offset_of(&tiff, 0x8825);
    tiff[at..at + 4].copy_from_slice(&[0, 0, 0, 8]);
    let (data, problem) = exif::read(&images::jpeg_with_exif_tiff(&tiff));
    let data = data.expect("the fields before and after the fault");
    assert_eq!(data.taken_at.as_deref(), Some("2026-11-20T09:15:30"));
    assert_eq!(data.camera.as_deref(), Some("samsung SM-A155F"));
    let (latitude, longitude) = data.gps.expect("the GPS IFD's fields");
    assert!((latitude - -2.803_472).abs() < 1e-5 && (longitude - 120.401_736).abs() < 1e-5);
    assert!(problem.is_some_and(|p| p.contains("next IFD")));
}

#[test]
fn a_gps_position_without_its_hemispheres_is_left_out_rather_than_guessed() {
    let tiff = images::exif_tiff(&PhoneExif {
        gps_refs: false,
        ..PhoneExif::default()
    });
    let (data, problem) = exif::read(&images::jpeg_with_exif_tiff(&tiff));
    let data = data.expect("the other fields");
    assert_eq!(data.gps, None, "south of the equator, not north");
    assert_eq!(data.taken_at.as_deref(), Some("2026-11-20T09:15:30"));
    assert_eq!(problem, None);
}

#[test]
fn malformed_exif_is_reported_and_the_photo_still_processed() {
    let result = analysis::analyse(&images::jpeg_with_broken_exif(), &LIMITS)
        .expect("a photo with broken EXIF is still a photo");
    assert_eq!(result.exif, None);
    assert!(result.exif_error.is_some());
    let rendered = result.rendered.expect("decoded");
    assert_eq!(rendered.size, (320, 240));
}

proptest! {
    #[test]
    fn damaged_photos_never_panic_the_pipeline(
        flips in proptest::collection::vec((0usize..20_000, any::<u8>()), 1..12),
        cut in 0usize..20_000,
    ) {
        let mut photo = images::jpeg(160, 120, 5, Some(&PhoneExif::default()), 80);
        for (at, byte) in flips {
            let at = at % photo.len();
            photo[at] = byte;
        }
        photo.truncate(photo.len() - cut % photo.len());
        let _ = analysis::analyse(&photo, &LIMITS);
    }

    #[test]
    fn any_bytes_are_inspected_without_panic(
        kind in 0usize..4,
        bytes in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        // Random bytes behind each format's signature, so the structure walkers run.
        let signatures: [&[u8]; 4] = [b"", b"\xFF\xD8\xFF", b"\x89PNG\r\n\x1a\n", b"\0\0\0\x18ftypheic"];
        let mut file = signatures[kind].to_vec();
        file.extend(bytes);
        let _ = inspect(&file, &LIMITS);
        let _ = exif::read(&file);
    }

    #[test]
    fn damaged_pngs_never_panic_the_pipeline(
        flips in proptest::collection::vec((0usize..2_000, any::<u8>()), 1..8),
    ) {
        let mut png = images::png_bomb(40);
        for (at, byte) in flips {
            let at = at % png.len();
            png[at] = byte;
        }
        let _ = analysis::analyse(&png, &LIMITS);
    }
}
