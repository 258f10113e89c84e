import { useEffect, useState } from "preact/hooks";

import type { FormDefinition, HouseholdPhoto, PhotoDetails } from "../../generated/protocol";
import { id } from "../../i18n/id";
import { errorText } from "../../common/errors";
import { formatDateTime } from "../../common/format";
import { useSession } from "../context";
import { Dialog } from "../../common/Dialog";
import { PhotoImage } from "./PhotoImage";

function kindLabel(form: FormDefinition, kind: string): string {
  return form.photos.find((p) => p.kind === kind)?.label ?? id.photoKind(kind);
}

/** The photos of the household's visits as thumbnails; one opens at 1024 px with its EXIF
 * time and place and a link to the original. */
export function PhotoStrip(props: { form: FormDefinition; photos: HouseholdPhoto[]; noted?: Set<string> }) {
  const [open, setOpen] = useState<HouseholdPhoto | null>(null);
  return (
    <section aria-labelledby="foto">
      <h2 id="foto">{id.household.photos}</h2>
      {props.photos.length === 0 && <p>{id.household.noPhotos}</p>}
      <ul class="photos">
        {props.photos.map((photo) => {
          const label = kindLabel(props.form, photo.kind);
          return (
            <li key={`${photo.visit_id}-${photo.sha256}`} class={props.noted?.has(photo.sha256) ? "noted" : undefined}>
              {photo.status === "stored" ? (
                <button type="button" class="photo-button" onClick={() => setOpen(photo)} aria-label={id.household.openPhoto(label)}>
                  <PhotoImage sha256={photo.sha256} side={256} alt={label} />
                </button>
              ) : (
                <span class="photo s256 placeholder">{id.household.photoPending}</span>
              )}
              <span class="caption">{label}</span>
            </li>
          );
        })}
      </ul>
      {open && (
        <PhotoDialog photo={open} label={kindLabel(props.form, open.kind)} onClose={() => setOpen(null)} />
      )}
    </section>
  );
}

function PhotoDialog(props: { photo: HouseholdPhoto; label: string; onClose: () => void }) {
  const { api } = useSession();
  const [details, setDetails] = useState<PhotoDetails | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  async function download() {
    try {
      const blob = await api.blob(`/v1/photos/${props.photo.sha256}/original`);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = props.photo.sha256;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      setProblem(errorText(error));
    }
  }
  useEffect(() => {
    api
      .photoDetails(props.photo.sha256)
      .then(setDetails)
      .catch((error) => setProblem(errorText(error)));
  }, [api, props.photo.sha256]);
  return (
    <Dialog label={props.label} wide onClose={props.onClose}>
      <button type="button" onClick={props.onClose}>
        {id.app.close}
      </button>
        <PhotoImage sha256={props.photo.sha256} side={1024} alt={props.label} />
        <dl class="exif">
          {details?.taken_at && (
            <div>
              <dt>{id.household.exifTime}</dt>
              <dd>{details.taken_at}</dd>
            </div>
          )}
          {details?.latitude != null && details.longitude != null && (
            <div>
              <dt>{id.household.exifPlace}</dt>
              <dd>
                {details.latitude.toFixed(5)}, {details.longitude.toFixed(5)}
              </dd>
            </div>
          )}
          {details && !details.taken_at && details.latitude == null && <p>{id.household.noExif}</p>}
          <div>
            <dt>{id.household.photos}</dt>
            <dd>{formatDateTime(props.photo.visit_ended_at)}</dd>
          </div>
        </dl>
        {problem && <p class="problem">{problem}</p>}
      <button type="button" onClick={() => void download()}>
        {id.household.original}
      </button>
    </Dialog>
  );
}
