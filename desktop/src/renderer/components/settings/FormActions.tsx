/** A settings form's buttons: the submit one (`primary`, or `danger` for what removes), and Cancel. */
export function FormActions({
  submit,
  danger = false,
  onCancel,
}: {
  submit: string;
  danger?: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="row-actions">
      <button className={danger ? 'danger' : 'primary'} type="submit">
        {submit}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
