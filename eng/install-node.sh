#!/usr/bin/env bash
# Installs our plugins on a node as one multi-call binary and its links, and rolls them back.
#
#   eng/install-node.sh [--from SRC] [DIR]   install SRC/cni-plugins (default artifacts/cni-multi, made by
#                                            eng/publish.sh) into DIR (default /opt/cni/bin), with a link
#                                            DIR/<plugin> -> cni-plugins for every plugin it holds
#   eng/install-node.sh --rollback [DIR]     put back exactly what the install replaced, remove what it added
#   eng/install-node.sh --list BINARY        the plugins a multi-call binary holds, one a line
#
# What the install replaces (the Go binaries, usually) is copied first, with its mode, owner and times,
# into DIR/.cni-libraries-backup/, and listed in its manifest ("replaced <name> <sha256>" or
# "added <name>"). Installing again (an upgrade) keeps the manifest and the backup as they are, so a
# rollback always restores the files found before the first install. Every file in DIR is changed by
# a rename, so a runtime calling a plugin meanwhile finds either the old file or the new one, never none.
set -euo pipefail

backup_name=.cni-libraries-backup
repo=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "install-node: $*" >&2; exit 1; }

list() { # binary: the names it prints after "plugins: " when started under its own name
  local out
  out=$("$1" 2>&1 >/dev/null) || die "$1 failed to run"
  sed -n 's/^plugins: \([^(]*\) (.*/\1/p' <<<"$out" | tr -d ',' | tr ' ' '\n' | grep -v '^$' \
    || die "$1 is not a multi-call binary of ours (it lists no plugins)"
}

# replace PATH-OF-NEW DEST: rename NEW over DEST in one step (a directory at DEST is refused).
replace() { mv -Tf "$1" "$2"; }

recorded() { grep -qE "^(replaced|added) $1( |\$)" "$manifest" 2>/dev/null; }

install() {
  local from=$1 dir=$2 names name
  [ -x "$from/cni-plugins" ] || die "no executable $from/cni-plugins (run eng/publish.sh, or give --from)"
  names=$(list "$from/cni-plugins")
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local backup=$dir/$backup_name
  manifest=$backup/manifest
  mkdir -p "$backup"
  [ -f "$manifest" ] || : >"$manifest"
  local replaced=() added=()
  for name in cni-plugins $names; do
    local target=$dir/$name
    if recorded "$name"; then
      continue # ours since an earlier install: the manifest already says what was there before
    fi
    if [ -e "$target" ] || [ -L "$target" ]; then
      [ -d "$target" ] && [ ! -L "$target" ] && die "$target is a directory; not replacing it"
      cp -a "$target" "$backup/$name"
      if [ -L "$target" ]; then
        echo "replaced $name link" >>"$manifest"
      else
        echo "replaced $name $(sha256sum <"$backup/$name" | cut -d' ' -f1)" >>"$manifest"
      fi
      replaced+=("$name")
    else
      echo "added $name" >>"$manifest"
      added+=("$name")
    fi
  done
  sync -f "$manifest" 2>/dev/null || true

  cp "$from/cni-plugins" "$dir/.cni-plugins.new"
  chmod 0755 "$dir/.cni-plugins.new"
  replace "$dir/.cni-plugins.new" "$dir/cni-plugins"
  for name in $names; do
    ln -sfn cni-plugins "$dir/.$name.new"
    replace "$dir/.$name.new" "$dir/$name"
  done

  local about
  about=$("$dir/cni-plugins" 2>&1 >/dev/null | head -1)
  echo "installed $about"
  echo "  into $dir: cni-plugins and links $(tr '\n' ' ' <<<"$names")"
  [ ${#replaced[@]} -eq 0 ] || echo "  replaced (kept in $backup): ${replaced[*]}"
  [ ${#added[@]} -eq 0 ] || echo "  added: ${added[*]}"
  echo "  roll back with: $0 --rollback $dir"
}

rollback() {
  local dir=$1 kind name sum
  [ -d "$dir" ] || die "no directory $dir"
  dir=$(cd "$dir" && pwd)
  local backup=$dir/$backup_name
  manifest=$backup/manifest
  [ -f "$manifest" ] || die "nothing to roll back in $dir (no $manifest)"
  # Check every backup first: a rollback that stops half-way is worse than none.
  while read -r kind name sum; do
    if [ "$kind" = replaced ]; then
      [ -e "$backup/$name" ] || [ -L "$backup/$name" ] || die "the backup of $name is missing from $backup"
      [ -L "$backup/$name" ] || [ "$(sha256sum <"$backup/$name" | cut -d' ' -f1)" = "$sum" ] \
        || die "the backup of $name in $backup has changed since the install; not restoring"
    fi
  done <"$manifest"
  # Links first, the binary they point at last, so no link ever dangles.
  local restored=() removed=()
  while read -r kind name sum; do
    [ "$name" = cni-plugins ] && continue
    undo "$kind" "$name"
  done <"$manifest"
  while read -r kind name sum; do
    [ "$name" = cni-plugins ] && undo "$kind" "$name"
  done <"$manifest"
  rm -rf "$backup"
  echo "rolled back $dir"
  [ ${#restored[@]} -eq 0 ] || echo "  restored: ${restored[*]}"
  [ ${#removed[@]} -eq 0 ] || echo "  removed: ${removed[*]}"
}

undo() { # kind name (uses dir, backup, restored, removed of rollback)
  local kind=$1 name=$2
  if [ "$kind" = replaced ]; then
    cp -a "$backup/$name" "$dir/.$name.restore"
    replace "$dir/.$name.restore" "$dir/$name"
    restored+=("$name")
  elif [ "$kind" = added ]; then
    # Remove only what is still ours: our link, or our binary.
    if [ "$name" = cni-plugins ] || [ "$(readlink "$dir/$name" 2>/dev/null)" = cni-plugins ]; then
      rm -f "$dir/$name"
      removed+=("$name")
    elif [ -e "$dir/$name" ]; then
      echo "install-node: leaving $dir/$name, which is no longer ours" >&2
    fi
  fi
}

case "${1:-}" in
  --list)
    [ $# -eq 2 ] || die "usage: $0 --list BINARY"
    list "$2"
    ;;
  --rollback)
    [ $# -le 2 ] || die "usage: $0 --rollback [DIR]"
    rollback "${2:-/opt/cni/bin}"
    ;;
  -h|--help)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    from=$repo/artifacts/cni-multi
    if [ "${1:-}" = --from ]; then
      [ $# -ge 2 ] || die "usage: $0 [--from SRC] [DIR]"
      from=$2
      shift 2
    fi
    [ $# -le 1 ] || die "usage: $0 [--from SRC] [DIR]"
    case "${1:-}" in -*) die "unknown option $1 (see --help)" ;; esac
    install "$from" "${1:-/opt/cni/bin}"
    ;;
esac
