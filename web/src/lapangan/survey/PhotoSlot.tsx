import { useEffect, useState } from "preact/hooks";

import type { PhotoDef } from "../../generated/protocol";
import { id } from "../../i18n/id";
import type { Store } from "../store";

const t = id.survey;

/** One photo the form asks for: the camera (or the gallery), and the photo taken. The file is
 * kept as the camera made it; the preview is drawn from it on the phone. */
export function PhotoSlot(props: {
  store: Store;
  def: PhotoDef;
  sha256: string | undefined;
  missing: boolean;
  onFile: (file: File) => void;
}) {
  const { def } = props;
  const [preview, setPreview] = useState<string | null>(null);
  // A photo the server already has (its file no longer on the phone).
  const [sent, setSent] = useState(false);
  useEffect(() => {
    let url: string | null = null;
    let gone = false;
    setSent(false);
    if (props.sha256) {
      void props.store.photo(props.sha256).then((file) => {
        if (gone) return;
        if (!file?.blob) {
          setSent(file?.state === "uploaded");
          return;
        }
        url = URL.createObjectURL(file.blob);
        setPreview(url);
      });
    } else {
      setPreview(null);
    }
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [props.sha256]);

  const inputId = `foto-${def.kind}`;
  return (
    <div class={props.missing ? "photo-slot missing" : "photo-slot"}>
      <p class="photo-label">
        {def.label}
        {def.required && <span class="required"> ({t.required})</span>}
      </p>
      {preview ? (
        <img src={preview} alt={t.photoOf(def.label)} class="preview" />
      ) : (
        <p class="no-photo">{sent ? t.photoOnServer : t.noPhoto}</p>
      )}
      <label class="button" for={inputId}>
        {props.sha256 ? t.retakePhoto : t.takePhoto}
      </label>
      <input
        id={inputId}
        class="file"
        type="file"
        accept="image/*"
        capture="environment"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          if (file) props.onFile(file);
          e.currentTarget.value = "";
        }}
      />
      {props.missing && <p class="field-problem">{t.needPhoto(def.label)}</p>}
    </div>
  );
}
